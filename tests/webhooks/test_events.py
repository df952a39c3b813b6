"""Each signal of the other apps becomes its event, with ``data`` in the REST API's shape of the same object."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from compliance.models import Decision
from compliance.signals import form_decided
from downloads.models import DownloadJob
from downloads.signals import job_awaiting_compliance, job_failed, job_stored
from portal.catalog.models import Product
from portal.catalog.signals import catalog_changed
from portal.core.signals import send_now, send_on_commit
from tests.factories_compliance import record
from tests.factories_downloads import DownloadJobFactory
from tests.webhooks.conftest import SECRET
from webhooks import services
from webhooks.choices import DeliveryState, WebhookEvent
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

ALL_EVENTS = list(WebhookEvent.values)


@pytest.fixture
def hooks(allowed):
    """Two webhooks receiving every event, and a third receiving only catalog.changed."""
    return [
        services.webhook_create(name=name, url=f"http://127.0.0.1:9/{name}", secret=SECRET, events=events)
        for name, events in [("a", ALL_EVENTS), ("b", ALL_EVENTS), ("c", ["catalog.changed"])]
    ]


def _bodies(event: str) -> list[dict]:
    rows = WebhookDelivery.objects.filter(event=event).order_by("webhook_name")
    return [json.loads(row.body) for row in rows]


def _api(user, path: str) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    return client.get(path).json()


@pytest.mark.parametrize(
    ("signal", "event", "state"),
    [
        (job_stored, "download.stored", "stored"),
        (job_failed, "download.failed", "failed"),
        (job_awaiting_compliance, "compliance.waiting", "awaiting_compliance"),
    ],
)
def test_job_signals_become_events_with_the_job_as_the_api_shows_it(
    hooks, administrator, django_capture_on_commit_callbacks, signal, event, state
):
    job = DownloadJobFactory(state=state, reason="why it is so", requested_by=administrator)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        send_now(signal, sender=DownloadJob, job_id=job.pk)
    bodies = _bodies(event)
    assert len(bodies) == 2 and len(queued) == 2  # a and b receive it, c does not
    assert bodies[0] == bodies[1]
    assert bodies[0]["event"] == event and bodies[0]["occurred_at"].endswith("Z")
    data = bodies[0]["data"]
    _assert_as_the_api_shows_it(data, _api(administrator, f"/api/v1/downloads/jobs/{job.pk}/"))
    assert data["state"] == state


def _assert_as_the_api_shows_it(data: dict, api: dict) -> None:
    """The event's object is the API's, links included: a path without PORTAL_BASE_URL (no request to take a host
    from), where the API answers the absolute URL."""
    assert set(data) == set(api)
    assert {k: v for k, v in data.items() if k != "url"} == {k: v for k, v in api.items() if k != "url"}
    assert data["url"].startswith("/api/v1/") and api["url"] == "http://testserver" + data["url"]


def test_a_decision_becomes_compliance_decided(hooks, officer, administrator, django_capture_on_commit_callbacks):
    decision = record(officer)
    with django_capture_on_commit_callbacks(execute=False):
        send_now(form_decided, sender=Decision, decision_id=decision.pk)
    [body, _] = _bodies("compliance.decided")
    _assert_as_the_api_shows_it(body["data"], _api(administrator, f"/api/v1/compliance/decisions/{decision.sequence}/"))
    assert body["data"]["status"] == "Accepted" and body["data"]["decided_by"] == "off"


def test_a_catalog_change_becomes_catalog_changed(hooks, administrator, django_capture_on_commit_callbacks):
    Product.objects.create(pid="C9300-24P", mdf_id="286313983", mdf_concept_name="Catalyst 9300-24P")
    changes = [{"kind": "suggested", "release": "17.9.5"}, {"kind": "psirt", "release": "17.9.4a"}]
    with django_capture_on_commit_callbacks(execute=False):
        send_now(catalog_changed, sender=Product, pid="C9300-24P", changes=changes)
    bodies = _bodies("catalog.changed")
    assert len(bodies) == 3
    data = bodies[0]["data"]
    assert data["pid"] == "C9300-24P" and data["changes"] == changes
    _assert_as_the_api_shows_it(data["product"], _api(administrator, "/api/v1/catalog/products/C9300-24P/"))


def test_nothing_is_recorded_when_nobody_subscribes_or_the_object_is_gone(allowed, django_capture_on_commit_callbacks):
    services.webhook_create(name="c", url="http://127.0.0.1:9/c", secret=SECRET, events=["catalog.changed"])
    job = DownloadJobFactory(state="stored")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        send_now(job_stored, sender=DownloadJob, job_id=job.pk)
    assert not WebhookDelivery.objects.exists() and not queued
    services.webhook_create(name="d", url="http://127.0.0.1:9/d", secret=SECRET, events=["download.failed"])
    with django_capture_on_commit_callbacks(execute=False):
        send_now(job_failed, sender=DownloadJob, job_id=job.pk + 1000)
    assert not WebhookDelivery.objects.exists()


def test_an_event_is_recorded_only_once_its_transaction_commits(hooks, django_capture_on_commit_callbacks):
    job = DownloadJobFactory(state="failed")
    with django_capture_on_commit_callbacks(execute=True):
        send_on_commit(job_failed, sender=DownloadJob, job_id=job.pk)
        assert not WebhookDelivery.objects.exists()
    assert WebhookDelivery.objects.filter(event="download.failed", state=DeliveryState.PENDING).count() == 2


def test_a_failing_webhook_store_never_breaks_the_sender(hooks, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("webhooks.receivers.webhook_event_emit", broken)
    job = DownloadJobFactory(state="stored")
    send_now(job_stored, sender=DownloadJob, job_id=job.pk)  # does not raise
    assert "database gone" in caplog.text


def test_links_in_data_are_absolute_under_portal_base_url(hooks, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_BASE_URL = "https://depot.example.net"
    job = DownloadJobFactory(state="failed")
    with django_capture_on_commit_callbacks(execute=False):
        send_now(job_failed, sender=DownloadJob, job_id=job.pk)
    data = _bodies("download.failed")[0]["data"]
    assert data["url"] == f"https://depot.example.net/api/v1/downloads/jobs/{job.pk}/"
