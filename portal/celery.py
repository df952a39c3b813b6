"""The Celery application: configured from Django settings (CELERY_*), tasks found in every installed app.

Worker and beat start from this same module with either broker:
    celery -A portal worker -l info        celery -A portal beat -l info
"""

from __future__ import annotations

import os

from celery import Celery

from portal.core.configcheck import exit_on_bad_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Celery runs Django's system checks when a worker starts. They check the code, not this machine (`manage.py check`
# runs them on every commit, `migrate` before every start), and they import the whole URLconf: every view, DRF, the
# schema generator, about 10 MB in each worker process for nothing a worker serves. CELERY_SKIP_CHECKS= (empty) runs
# them again.
os.environ.setdefault("CELERY_SKIP_CHECKS", "true")
exit_on_bad_settings()

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _add_app_schedules(sender: Celery, **kwargs: object) -> None:
    """Each app may keep its periodic tasks in ``<app>/schedules.py`` as ``BEAT_SCHEDULE = {name: entry}``."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        module_name = f"{config.name}.schedules"
        if importlib.util.find_spec(module_name) is None:
            continue
        sender.conf.beat_schedule.update(importlib.import_module(module_name).BEAT_SCHEDULE)
