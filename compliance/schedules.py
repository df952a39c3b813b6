"""Periodic tasks of the compliance app (merged into Celery beat's schedule by portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Notice a new form version even when no download is waiting, so officers can decide ahead (pre-registration).
    "compliance-forms-refresh": {"task": "compliance.tasks.form_snapshots_refresh", "schedule": crontab(minute=17)},
}
