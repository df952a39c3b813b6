"""Periodic tasks of the webhooks app (merged into beat's schedule by portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "webhooks-reconcile": {"task": "webhooks.reconcile", "schedule": 60.0},
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": crontab(hour=3, minute=41)},
}
