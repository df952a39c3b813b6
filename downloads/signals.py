"""Signals other apps listen to, each sent with :func:`portal.core.signals.send_on_commit` (after the commit that
made it true; a failing receiver is logged and never breaks a job's run).

``job_awaiting_compliance`` (sender=DownloadJob, job_id=<int>): a job started waiting on a K9/EULA form; the
compliance app notifies officers and shows a badge.
``job_stored`` (sender=DownloadJob, job_id=<int>): a job ended with its verified image in storage.
``job_failed`` (sender=DownloadJob, job_id=<int>): a job ended failed (its ``reason`` says why).
"""

from __future__ import annotations

from django.dispatch import Signal

from portal.core.signals import send_on_commit

job_awaiting_compliance = Signal()
job_stored = Signal()
job_failed = Signal()


def send_awaiting_compliance(job_id: int) -> None:
    """Send ``job_awaiting_compliance`` once the current transaction commits (at once outside one)."""
    from downloads.models import DownloadJob

    send_on_commit(job_awaiting_compliance, sender=DownloadJob, job_id=job_id)
