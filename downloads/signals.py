"""Signals other apps listen to.

``job_awaiting_compliance`` (sender=DownloadJob, job_id=<int>) is sent after the commit that put a job in the
compliance queue; the compliance app notifies officers and shows a badge.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

job_awaiting_compliance = Signal()


def send_awaiting_compliance(job_id: int) -> None:
    """Send ``job_awaiting_compliance`` once the current transaction commits (at once outside one)."""
    from downloads.models import DownloadJob

    transaction.on_commit(lambda: job_awaiting_compliance.send(sender=DownloadJob, job_id=job_id))
