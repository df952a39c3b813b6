"""Celery tasks: thin, they take ids and call services; every one is safe to run twice.

``acks_late`` (settings) means a message is acknowledged only after its task finished, and
``reject_on_worker_lost`` puts it back when the worker process dies; with a broker that loses it anyway, the
beat tasks below find the job from the database.
"""

from __future__ import annotations

from celery import shared_task

from downloads import services


@shared_task(name="downloads.run_job", acks_late=True, reject_on_worker_lost=True)
def download_job_run_task(job_id: int) -> None:
    """Run (or resume) one job."""
    services.download_job_run(job_id=job_id)


@shared_task(name="downloads.requeue_stale")
def download_jobs_requeue_stale_task() -> int:
    """Beat: requeue jobs whose worker stopped beating."""
    return len(services.download_jobs_requeue_stale())


@shared_task(name="downloads.reconcile")
def download_jobs_reconcile_task() -> int:
    """Beat: re-enqueue queued jobs the broker lost."""
    return len(services.download_jobs_reconcile())


@shared_task(name="downloads.sweep_partials")
def download_partials_sweep_task() -> int:
    """Beat: delete partial files with no live transfer after a day."""
    return len(services.download_partials_sweep())
