"""The database is the truth about deliveries: lost messages and stopped workers are recovered, runs never race."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.utils import timezone

from tests.waiting import wait_for
from tests.webhooks.conftest import SECRET, wait_delivery
from webhooks import services
from webhooks.choices import DeliveryState
from webhooks.models import WebhookDelivery
from webhooks.services.deliveries import payload_body

pytestmark = pytest.mark.django_db(transaction=True)


def _lost_delivery(webhook, **fields) -> WebhookDelivery:
    """A delivery row whose message never reached the broker (written, not enqueued)."""
    now = timezone.now()
    values = {
        "webhook": webhook,
        "webhook_name": webhook.name,
        "event": "webhook.test",
        "occurred_at": now,
        "body": payload_body("webhook.test", now, {"id": webhook.pk}),
        "next_attempt_at": now - dt.timedelta(minutes=10),
    }
    values.update(fields)
    return WebhookDelivery.objects.create(**values)


@pytest.fixture
def webhook(receiver, allowed):
    return services.webhook_create(name="r", url=receiver.url, secret=SECRET, events=["download.stored"])


def test_beat_reconcile_sends_a_delivery_whose_message_was_lost(webhook, receiver, hook_worker):
    delivery = _lost_delivery(webhook)
    fresh = _lost_delivery(webhook, next_attempt_at=timezone.now() + dt.timedelta(minutes=5))
    assert services.webhook_deliveries_reconcile(stale_after_seconds=60) == [delivery.pk]
    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 1
    assert WebhookDelivery.objects.get(pk=fresh.pk).state == DeliveryState.PENDING  # not due: left alone
    assert receiver.received[0].signed_with(SECRET)


def test_a_delivery_whose_worker_stopped_mid_attempt_is_sent_again_and_that_attempt_counts(
    webhook, receiver, hook_worker
):
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    delivery = _lost_delivery(webhook, state=DeliveryState.SENDING, run_id="dead-run", claimed_at=long_ago)
    assert services.webhook_deliveries_reconcile(stale_after_seconds=60) == [delivery.pk]
    delivery = wait_delivery(delivery.pk, worker=hook_worker)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 2


def test_a_delivery_that_keeps_killing_its_worker_ends(webhook, settings):
    settings.PORTAL_WEBHOOK_MAX_ATTEMPTS = 2
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    delivery = _lost_delivery(webhook, state=DeliveryState.SENDING, run_id="x", claimed_at=long_ago, attempts=1)
    assert services.webhook_deliveries_reconcile(stale_after_seconds=60) == []
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 2 and "worker stopped" in delivery.last_error


def test_a_second_message_for_the_same_delivery_sends_nothing(webhook, receiver):
    delivery = _lost_delivery(webhook)
    assert services.webhook_delivery_send(delivery_id=delivery.pk) == DeliveryState.DELIVERED
    assert services.webhook_delivery_send(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 1


def test_a_run_that_lost_its_delivery_cannot_overwrite_the_newer_state(webhook, receiver):
    receiver.script = [0]  # the first attempt is held until released
    delivery = _lost_delivery(webhook)
    outcome: list = []
    first = threading.Thread(target=lambda: outcome.append(services.webhook_delivery_send(delivery_id=delivery.pk)))
    first.start()
    wait_for(lambda: receiver.connections, "the first attempt to connect")
    # Beat decides the first run's worker is gone and takes the delivery back.
    assert services.webhook_deliveries_reconcile(stale_after_seconds=0) == [delivery.pk]
    receiver.release.set()
    first.join(30)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1 and delivery.run_id == ""
    assert "worker stopped" in delivery.last_error  # the first run's success was not written over the take-back


def test_sweep_drops_old_finished_deliveries_only(webhook):
    old = timezone.now() - dt.timedelta(days=40)
    done = _lost_delivery(webhook, state=DeliveryState.DELIVERED, finished_at=old)
    failed = _lost_delivery(webhook, state=DeliveryState.FAILED, finished_at=old)
    recent = _lost_delivery(webhook, state=DeliveryState.DELIVERED, finished_at=timezone.now())
    pending = _lost_delivery(webhook)
    assert services.webhook_deliveries_sweep(older_than_days=30) == 2
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}
    assert not WebhookDelivery.objects.filter(pk__in=[done.pk, failed.pk]).exists()


def test_beat_runs_reconcile_and_sweep():
    from portal.celery import app

    app.loader.import_default_modules()
    app.finalize()
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"webhooks.reconcile", "webhooks.sweep"} <= tasks
