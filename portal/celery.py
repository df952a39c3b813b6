"""The Celery application: configured from Django settings (CELERY_*), tasks found in every installed app.

Worker and beat start from this same module with either broker:
    celery -A portal worker -l info        celery -A portal beat -l info
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
