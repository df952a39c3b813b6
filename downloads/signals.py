"""Signals other apps listen to.

``job_awaiting_compliance`` (sender=DownloadJob, job_id=<int>) is sent after the commit that put a job in the
compliance queue; the compliance app notifies officers and shows a badge.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("downloads.signals")

job_awaiting_compliance = Signal()


def send_awaiting_compliance(job_id: int) -> None:
    """Send ``job_awaiting_compliance`` once the current transaction commits (at once outside one).

    Receivers run in the worker that authorized the job; one that fails is logged, not allowed to break the
    job's run (the job already waits, and its row says so).
    """
    from downloads.models import DownloadJob

    def send() -> None:
        for receiver, result in job_awaiting_compliance.send_robust(sender=DownloadJob, job_id=job_id):
            if isinstance(result, Exception):
                logger.error("job_awaiting_compliance receiver %r failed for job %s: %r", receiver, job_id, result)

    transaction.on_commit(send)
