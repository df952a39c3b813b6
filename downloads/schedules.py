"""Periodic tasks of the downloads app (merged into beat's schedule by portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "downloads-requeue-stale": {"task": "downloads.requeue_stale", "schedule": 30.0},
    "downloads-reconcile": {"task": "downloads.reconcile", "schedule": 120.0},
    "downloads-sweep-partials": {"task": "downloads.sweep_partials", "schedule": crontab(minute=17)},
}
