"""Periodic tasks of the catalog (merged into Celery beat by portal/celery.py)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Nightly, when nobody waits on the upstream's rate limit for interactive look-ups.
    "catalog-refresh-nightly": {"task": "catalog.refresh_scheduled", "schedule": crontab(hour=2, minute=15)},
    # The status of what devices run now (deleted / deferred) changes rarely; weekly is enough.
    "catalog-running-images-weekly": {
        "task": "catalog.running_images_check",
        "schedule": crontab(hour=3, minute=45, day_of_week="sun"),
    },
}
