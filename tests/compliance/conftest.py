"""Fixtures of the compliance tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from compliance.choices import FormKind
from compliance.receivers import refresh_throttle_key
from tests.factories_compliance import audit_rows_clear

TRANSACTIONAL = {"transactional_db", "live_server"}


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return by_marker or bool(TRANSACTIONAL & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _audit_rows_cleared_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """In transactional tests, clear the append-only rows before pytest-django's flush (which the guard refuses)."""
    if not _transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so it is torn down (flushed) after this
    # A form refresh an earlier test triggered must not hold back this test's worker (the cache outlives flushes).
    cache.delete_many([refresh_throttle_key(kind) for kind in FormKind.values])
    yield
    audit_rows_clear()


@pytest.fixture
def mail_locmem(settings):
    """Django's in-memory e-mail backend (mail.outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.fixture
def simulator(sample_simulator):
    """The compliance tests' upstream: the simulator on the small sample catalog (SIM-DL-1 has a 20 kB K9 image).

    Overrides the shared ``simulator`` for this folder, so ``upstream`` (which builds on it) aims Depot there.
    """
    return sample_simulator


def page_post(client, kind: str, **fields: str):
    """POST a decision through the form page, with the snapshot and shown hash the page itself carries."""
    page = client.get(f"/compliance/forms/{kind}/")
    form = page.context["form"]
    data = {"snapshot": form.initial["snapshot"], "shown_sha256": form.initial["shown_sha256"], **fields}
    return client.post(f"/compliance/forms/{kind}/", data)
