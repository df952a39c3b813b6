"""Fixtures of the compliance tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.factories_compliance import audit_rows_clear

TRANSACTIONAL = {"transactional_db", "live_server", "start_worker", "celery_worker"}


@pytest.fixture(autouse=True)
def _audit_rows_cleared_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    """In transactional tests, clear the append-only rows before pytest-django's flush (which the guard refuses)."""
    if not TRANSACTIONAL & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
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
