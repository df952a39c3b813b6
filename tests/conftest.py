"""Shared fixtures: users per role, API clients, a real Celery worker process, the simulator over HTTP."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient

from portal.accounts.roles import ADMINISTRATORS, ENGINEERS, OFFICERS

# Property tests run on two shared, busy cores: a slow example or slow generation is not a failure of the property,
# and a fixed derivation of examples makes a failure reproducible in CI.
settings.register_profile(
    "depot", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile("depot")

pytest_plugins = [
    "tests.fixtures.worker",
    "tests.fixtures.browser",
    "tests.fixtures.simulator",
    "tests.fixtures.upstream",
]


def _user(django_user_model, username: str, role: str | None, *, staff: bool = False):
    user = django_user_model.objects.create_user(
        username=username, password="pw-" + username, is_staff=staff, is_superuser=staff
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def engineer(django_user_model):
    return _user(django_user_model, "eng", ENGINEERS)


@pytest.fixture
def officer(django_user_model):
    return _user(django_user_model, "off", OFFICERS)


@pytest.fixture
def administrator(django_user_model):
    return _user(django_user_model, "adm", ADMINISTRATORS, staff=True)


@pytest.fixture
def nobody(django_user_model):
    """A user with no role at all."""
    return _user(django_user_model, "nobody", None)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) -> an APIClient authenticated with that user's token."""
    from portal.accounts.services import api_token_create

    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)}")
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_fleet_generation(request):
    """Each test starts a new fleet generation, so list totals and the dashboard cached by an earlier test (whose
    rows are gone) are never read. The database cache rolls back with a test's transaction; Redis does not, and a
    transactional test's flush leaves the cache table alone."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from portal.catalog.summary import fleet_changed

    if not isinstance(caches["default"], DatabaseCache):
        fleet_changed()
    elif {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        fleet_changed()
