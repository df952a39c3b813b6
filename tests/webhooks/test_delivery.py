"""Deliveries over real HTTP: a real receiver on loopback, a real worker process, signatures checked here."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from downloads.models import DownloadJob
from downloads.signals import job_stored
from portal.core.signals import send_now
from tests.factories_downloads import DownloadJobFactory
from tests.waiting import wait_for
from tests.webhooks.conftest import SECRET, WORKER_ENV, wait_delivery
from webhooks import services
from webhooks.choices import DeliveryState
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db(transaction=True)


def _webhook(receiver, events=("download.stored",), **fields):
    return services.webhook_create(name="receiver", url=receiver.url, secret=SECRET, events=list(events), **fields)


def test_a_delivery_is_signed_over_its_exact_body_and_sent_by_the_worker(receiver, allowed, hook_worker):
    webhook = _webhook(receiver)
    job = DownloadJobFactory(state="stored", image_name="cat9k_iosxe.17.09.04a.SPA.bin")
    send_now(job_stored, sender=DownloadJob, job_id=job.pk)

    delivery = WebhookDelivery.objects.get(webhook=webhook)
    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    assert delivery.state == DeliveryState.DELIVERED, delivery.last_error
    assert delivery.status_code == 200 and delivery.attempts == 1 and delivery.last_error == ""
    [got] = receiver.received
    expected = "sha256=" + hmac.new(SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["X-Depot-Signature"] == expected
    assert not got.signed_with("some-other-secret-entirely")
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["X-Depot-Event"] == "download.stored"
    assert got.headers["X-Depot-Delivery"] == str(delivery.pk)
    assert got.path == "/hooks/depot"
    assert got.body == delivery.body.encode()
    payload = got.json()
    assert set(payload) == {"event", "occurred_at", "data"} and payload["event"] == "download.stored"
    assert payload["data"]["id"] == job.pk and payload["data"]["image_name"] == "cat9k_iosxe.17.09.04a.SPA.bin"
    assert payload["data"]["url"] == f"/api/v1/downloads/jobs/{job.pk}/" and payload["data"]["state"] == "stored"


def test_a_receiver_that_fails_twice_then_succeeds_gets_three_attempts(receiver, allowed, hook_worker):
    receiver.script = [503, 500]
    webhook = _webhook(receiver)
    delivery = services.webhook_test_send(webhook=webhook)

    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3 and delivery.status_code == 200
    assert delivery.last_error == "HTTP 500: receiver says no (500)"  # what the last failed attempt got
    assert [r.headers["X-Depot-Delivery"] for r in receiver.received] == [str(delivery.pk)] * 3
    assert len({r.body for r in receiver.received}) == 1  # the same bytes each time, each signed
    assert all(r.signed_with(SECRET) for r in receiver.received)
    assert "attempt 1 failed (HTTP 503" in hook_worker.output() and "attempt 2 failed (HTTP 500" in hook_worker.output()


def test_attempts_are_bounded_and_the_log_keeps_the_last_error(receiver, allowed, start_worker):
    receiver.script = [503] * 10
    worker = start_worker(**WORKER_ENV, PORTAL_WEBHOOK_MAX_ATTEMPTS="3")
    delivery = services.webhook_test_send(webhook=_webhook(receiver))

    delivery = wait_delivery(delivery.pk, worker=worker)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 3 and delivery.status_code == 503
    assert "receiver says no (503)" in delivery.last_error and "gave up after 3 attempts" in delivery.last_error
    assert len(receiver.received) == 3


def test_a_refusal_that_would_repeat_is_not_retried(receiver, allowed, hook_worker):
    receiver.script = [410]
    delivery = services.webhook_test_send(webhook=_webhook(receiver))
    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1 and delivery.status_code == 410
    assert len(receiver.received) == 1


def test_redirects_are_not_followed(receiver, allowed, hook_worker):
    receiver.script = [302]
    receiver.headers_out = {"Location": "http://127.0.0.1:9/elsewhere"}
    delivery = services.webhook_test_send(webhook=_webhook(receiver))
    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    assert delivery.state == DeliveryState.FAILED and delivery.status_code == 302
    assert "redirects are not followed" in delivery.last_error
    assert len(receiver.received) == 1


def test_a_receiver_that_does_not_answer_in_time_is_retried(receiver, allowed, hook_worker):
    receiver.script = [0]  # holds its answer past the worker's read timeout (1 s)
    delivery = services.webhook_test_send(webhook=_webhook(receiver))
    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    receiver.release.set()
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2


def test_a_target_no_longer_allowed_is_refused_before_connecting(receiver, allowed, start_worker):
    webhook = _webhook(receiver)
    # The allow-list changed since the webhook was saved: this worker allows another host only.
    worker = start_worker(**{**WORKER_ENV, "PORTAL_ALLOWED_WEBHOOK_HOSTS": "hooks.example.net"})
    delivery = services.webhook_test_send(webhook=webhook)

    delivery = wait_delivery(delivery.pk, worker=worker)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1 and delivery.status_code is None
    assert "Refused before connecting" in delivery.last_error
    assert "not in PORTAL_ALLOWED_WEBHOOK_HOSTS" in delivery.last_error
    assert receiver.connections == 0 and receiver.received == []


def test_a_disabled_webhook_gets_nothing_but_a_test_still_goes_out(receiver, allowed, hook_worker):
    webhook = _webhook(receiver, enabled=False)
    job = DownloadJobFactory(state="stored")
    send_now(job_stored, sender=DownloadJob, job_id=job.pk)
    assert not WebhookDelivery.objects.exists()

    delivery = wait_delivery(services.webhook_test_send(webhook=webhook).pk, worker=hook_worker)
    assert delivery.state == DeliveryState.DELIVERED
    assert receiver.received[0].json()["event"] == "webhook.test"


def test_secrets_never_reach_the_worker_log(receiver, allowed, hook_worker):
    receiver.script = [500]
    delivery = services.webhook_test_send(webhook=_webhook(receiver))
    wait_delivery(delivery.pk, worker=hook_worker)
    signature = receiver.received[0].headers["X-Depot-Signature"]
    wait_for(lambda: f"delivery {delivery.pk} delivered" in hook_worker.output(), "the delivery's log line")
    assert SECRET not in hook_worker.output() and signature.split("=")[1] not in hook_worker.output()
