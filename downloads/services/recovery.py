"""Faults of our own side: workers that stopped beating, messages the broker lost, partial files nobody owns,
stored files whose bytes changed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from downloads import conf, storage
from downloads.choices import ACTIVE_STATES, TERMINAL_STATES, JobState, StoredImageStatus
from downloads.models import DownloadJob, StoredImage, Transfer
from downloads.services.jobs import enqueue, job_end
from downloads.storage import SweptFile
from downloads.transfer.hashing import digest_file

logger = logging.getLogger("downloads.recovery")

MAX_REQUEUES = 5  # a job that kills its worker every time must not loop forever


def _is_follower(job: DownloadJob) -> bool:
    """Waiting for another job's transfer: its heartbeat is the leader's business."""
    transfer = job.transfer
    return (
        transfer is not None
        and transfer.leader_id not in (None, job.pk)
        and (DownloadJob.objects.filter(pk=transfer.leader_id).exclude(state__in=TERMINAL_STATES).exists())
    )


def download_jobs_requeue_stale(*, stale_after_seconds: float | None = None) -> list[int]:
    """Enqueue again every running job whose worker stopped beating; returns their ids.

    Authorizing jobs go back to the queue; a transfer's leader keeps its state and is resumed from the bytes
    on disk by whichever worker takes the message. Clearing ``run_id`` is what lets a new run claim the job,
    and what tells a merely slow old run (if it is alive after all) that it lost the job.
    """
    seconds = conf.heartbeat_stale_seconds() if stale_after_seconds is None else stale_after_seconds
    cutoff = timezone.now() - dt.timedelta(seconds=seconds)
    stale = (
        DownloadJob.objects.filter(state__in=ACTIVE_STATES)
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff))
        .select_related("transfer")
    )
    requeued = []
    for job in stale:
        if _is_follower(job):
            continue
        if job.requeues >= MAX_REQUEUES:
            job_end(
                job.pk,
                job.state,
                JobState.FAILED,
                f"Gave up after {MAX_REQUEUES} restarts of stopped workers.",
                match={"heartbeat_at": job.heartbeat_at},
            )
            continue
        if job.transfer is not None and job.transfer.leader_id != job.pk:
            Transfer.objects.filter(pk=job.transfer.pk).update(leader=job)  # its leader ended: take it over
        state = JobState.QUEUED if job.state == JobState.AUTHORIZING else job.state
        moved = DownloadJob.objects.filter(pk=job.pk, state=job.state, heartbeat_at=job.heartbeat_at).update(
            state=state,
            run_id="",
            heartbeat_at=timezone.now(),
            updated_at=timezone.now(),
            requeues=F("requeues") + 1,
            reason="The worker stopped; the job was queued again.",
        )
        if moved:
            enqueue(job.pk)
            requeued.append(job.pk)
    if requeued:
        logger.warning("requeued jobs whose worker stopped beating: %s", requeued)
    return requeued


def download_jobs_reconcile(*, queued_after_seconds: float | None = None) -> list[int]:
    """The database is the truth: enqueue again queued jobs no worker took for a while (the broker lost them,
    e.g. Redis restarted without persistence), and tidy transfers that no running job holds."""
    seconds = conf.queued_stale_seconds() if queued_after_seconds is None else queued_after_seconds
    cutoff = timezone.now() - dt.timedelta(seconds=seconds)
    ids = list(
        DownloadJob.objects.filter(state=JobState.QUEUED, run_id="", updated_at__lt=cutoff).values_list("pk", flat=True)
    )
    for job_id in ids:
        if DownloadJob.objects.filter(pk=job_id, state=JobState.QUEUED, updated_at__lt=cutoff).update(
            updated_at=timezone.now(), requeues=F("requeues") + 1
        ):
            enqueue(job_id)
    orphans = Transfer.objects.exclude(jobs__state__in=[JobState.DOWNLOADING, JobState.VERIFYING])
    orphans = orphans.filter(updated_at__lt=cutoff)
    orphans.delete()  # their partials stay until swept (or resumed by the next transfer of that image)
    if ids:
        logger.warning("re-enqueued queued jobs the broker did not deliver: %s", ids)
    return ids


def download_partials_sweep(*, max_age_seconds: float | None = None) -> list[SweptFile]:
    """Delete partial files that no live transfer owns once they are older than a day."""
    age = conf.partial_max_age_seconds() if max_age_seconds is None else max_age_seconds
    live = Transfer.objects.values_list("sha512", flat=True)
    swept = storage.sweep_partials(list(live), max_age_seconds=age)
    for item in swept:
        logger.info("swept partial %s (%d bytes, %.0f s old)", item.name[:16], item.size, item.age_seconds)
    return swept


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of re-hashing one stored file."""

    image_id: int
    name: str
    status: str
    detail: str


def stored_image_verify(*, image: StoredImage, progress: Callable[[int], None] | None = None) -> VerifyResult:
    """Re-hash one stored file and record whether its bytes are still the verified ones."""
    path = storage.stored_path(image.sha512)
    if not path.is_file():
        status, detail = StoredImageStatus.MISSING, f"no file at {image.relative_path}"
    else:
        digests = digest_file(path, progress=progress)
        if digests.sha512 == image.sha512 and digests.md5 == image.md5 and digests.size == image.size:
            status, detail = StoredImageStatus.OK, "sha512, md5 and size match"
        else:
            status = StoredImageStatus.CHANGED
            detail = f"now size {digests.size}, sha512 {digests.sha512[:32]}..., md5 {digests.md5}"
    StoredImage.objects.filter(pk=image.pk).update(check_status=status, checked_at=timezone.now())
    return VerifyResult(image.pk, image.name, status, detail)
