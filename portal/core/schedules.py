"""Periodic tasks of the core app (merged into Celery beat's schedule by portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "core-beat-alive": {"task": "portal.core.tasks.beat_alive", "schedule": crontab(minute="*")},
}
