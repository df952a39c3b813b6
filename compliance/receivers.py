"""Receivers of other apps' signals: a download that starts waiting on a form tells the officers (or, when the form
was declined, is blocked by compliance at once)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db import transaction

from compliance.choices import FORMS_FOR_NEED
from downloads.models import DownloadJob

logger = logging.getLogger(__name__)
REFRESH_THROTTLE = 10  # seconds: a burst of jobs held by one answer fetches each form once


def refresh_throttle_key(kind: str) -> str:
    """The cache key that holds back a second refresh of a form within REFRESH_THROTTLE seconds."""
    return f"compliance:refresh:{kind}"


def job_awaiting_compliance(sender: Any = None, job_id: int | None = None, **kwargs: Any) -> None:
    """downloads.signals.job_awaiting_compliance: block the job when its form was declined, else e-mail the
    officers; fetch the form(s) the job waits on either way.

    Sent on commit by the downloads app; nothing here may break the downloads' own work, so failures are logged.
    """
    from compliance.notifications import officers_notify_job_waiting
    from compliance.services import download_job_hold_check

    if job_id is None:
        return
    try:
        if not download_job_hold_check(job_id=job_id):
            officers_notify_job_waiting(job_id=job_id)
    except Exception:
        logger.exception("compliance: could not block or e-mail officers about job %s", job_id)
    try:
        _refresh_forms_for(job_id)
    except Exception:
        logger.exception("compliance: could not schedule a form refresh for job %s", job_id)


def _refresh_forms_for(job_id: int) -> None:
    # The snapshot must show the version Cisco asks for now (it may have changed since the last fetch).
    from compliance.tasks import form_snapshots_refresh_task

    need = DownloadJob.objects.filter(pk=job_id).values_list("waiting_for", flat=True)
    kinds = [str(kind) for kind in FORMS_FOR_NEED.get(need.first() or "", ())]
    kinds = [kind for kind in kinds if cache.add(refresh_throttle_key(kind), 1, timeout=REFRESH_THROTTLE)]
    if kinds:
        # On commit, like every enqueue: the signal already comes after one, so outside a transaction this is now.
        transaction.on_commit(lambda: form_snapshots_refresh_task.delay(kinds))
