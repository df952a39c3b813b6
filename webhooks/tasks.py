"""Celery tasks: thin, they take ids and call services; every one is safe to run twice.

A delivery is claimed by compare-and-set before its attempt, so a duplicate message finds nothing to do. Retries
are new messages with a countdown; beat finds the deliveries whose message the broker lost from the database.
"""

from __future__ import annotations

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.send_delivery", acks_late=True, reject_on_worker_lost=True)
def webhook_delivery_send_task(delivery_id: int) -> str | None:
    """Make the next attempt of one delivery."""
    return services.webhook_delivery_send(delivery_id=delivery_id)


@shared_task(name="webhooks.reconcile")
def webhook_deliveries_reconcile_task() -> int:
    """Beat: queue again deliveries the broker or a stopped worker lost."""
    return len(services.webhook_deliveries_reconcile())


@shared_task(name="webhooks.sweep")
def webhook_deliveries_sweep_task() -> int:
    """Beat: drop finished deliveries older than PORTAL_WEBHOOK_LOG_DAYS from the log."""
    return services.webhook_deliveries_sweep()
