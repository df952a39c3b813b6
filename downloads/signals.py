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


def send_job_ended(job_id: int, state: str) -> None:
    """Send ``job_stored`` or ``job_failed`` (by ``state``) once the current transaction commits; other terminal
    states (cancelled) send nothing. Called only by :func:`downloads.services.jobs.job_end`."""
    from downloads.choices import JobState
    from downloads.models import DownloadJob

    signal = {JobState.STORED: job_stored, JobState.FAILED: job_failed}.get(state)
    if signal is not None:
        send_on_commit(signal, sender=DownloadJob, job_id=job_id)
