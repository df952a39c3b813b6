"""Shared fixtures: users per role, API clients, a real Celery worker process, the simulator over HTTP."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection
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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, dropped only once the processes the tests started have left it. On PostgreSQL a killed
    worker's session ends a moment after the process does, and DROP DATABASE refuses a database in use: wait for
    such sessions (10 s at most), then end any that remain."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cursor.execute(f"SELECT count(*) {others}")  # noqa: S608 - constant SQL
            if not cursor.fetchone()[0]:
                break
            time.sleep(0.2)
        else:
            cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")  # noqa: S608 - constant SQL
    connection.close()


@pytest.fixture(autouse=True)
def _fresh_generations(request):
    """Each test starts a new fleet, catalog and access generation, so list totals, the dashboard, release lists
    and users' permissions cached by an earlier test (whose rows are gone, whose ids may come again) are never
    read. The database cache rolls back with a test's transaction; Redis does not, and a transactional test's
    flush leaves the cache table alone."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from portal.accounts.access import access_changed
    from portal.catalog.caching import CATALOG
    from portal.catalog.summary import fleet_changed
    from portal.core.counts import generation_next

    if isinstance(caches["default"], DatabaseCache):
        if not {"transactional_db", "live_server"} & set(request.fixturenames):
            return
        request.getfixturevalue("transactional_db")
    fleet_changed()
    generation_next(CATALOG)
    access_changed()
