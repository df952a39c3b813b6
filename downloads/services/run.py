"""A task's run of one job: claim it, authorize it (with up to 4 queued peers of the same PID), and, when it
leads its image's transfer, stream, verify and store the bytes.

Ownership: a run owns a job while ``run_id`` holds its id; every write of a run filters on it, so a run that
was presumed dead and replaced finds out at its next progress save and stops.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from downloads import conf, storage
from downloads.choices import JobState
from downloads.models import DownloadJob, StoredImage, Transfer
from downloads.services.authorize import Step, authorize
from downloads.services.jobs import enqueue, job_end, job_move
from downloads.services.urls import NeedsAuthorization, UrlSource
from downloads.transfer.hashing import Digests
from downloads.transfer.stream import PartialStream, TransferAborted
from portal.cisco.client import MAX_IMAGES
from portal.cisco.exceptions import AsdError, DownloadError, HostNotAllowed, TooManyRedirects
from portal.cisco.provider import get_client
from portal.core.text import text_clean

logger = logging.getLogger("downloads.run")

_CLAIMABLE = [JobState.QUEUED, JobState.AUTHORIZING, JobState.DOWNLOADING, JobState.VERIFYING]
_RUNNING = [JobState.DOWNLOADING, JobState.VERIFYING]


def _claim(job_id: int, run: str) -> bool:
    now = timezone.now()
    return (
        DownloadJob.objects.filter(pk=job_id, run_id="", state__in=_CLAIMABLE).update(
            run_id=run, heartbeat_at=now, updated_at=now, runs=F("runs") + 1, started_at=Coalesce("started_at", now)
        )
        == 1
    )


def _claim_peers(job: DownloadJob, run: str) -> list[DownloadJob]:
    """Up to 4 other queued jobs of the same PID, authorized in the same upstream calls (<= 5 GUIDs a call)."""
    queued = DownloadJob.objects.filter(state=JobState.QUEUED, run_id="", pid=job.pid).exclude(pk=job.pk)
    ids = list(queued.exclude(image_name=job.image_name).values_list("pk", flat=True)[: MAX_IMAGES - 1])
    ids += list(queued.filter(image_name=job.image_name).values_list("pk", flat=True)[: MAX_IMAGES - 1 - len(ids)])
    now = timezone.now()
    DownloadJob.objects.filter(pk__in=ids, state=JobState.QUEUED, run_id="").update(
        state=JobState.AUTHORIZING, run_id=run, heartbeat_at=now, updated_at=now, started_at=now, reason="Authorizing."
    )
    return list(DownloadJob.objects.filter(pk__in=ids, run_id=run, state=JobState.AUTHORIZING))


def _release(job_id: int, run: str) -> None:
    DownloadJob.objects.filter(pk=job_id, run_id=run).update(run_id="")


def download_job_run(*, job_id: int) -> None:
    """Do whatever the job needs next; safe to call twice (a second call finds the job owned or done).

    An unexpected error (a bug, a broken answer no check foresaw) fails the job at once with a reason and logs
    the traceback once; the transfer lock the job held goes with it, so later jobs for that image are not stuck
    behind a transfer nobody runs.
    """
    run = uuid.uuid4().hex
    if not _claim(job_id, run):
        return
    try:
        _run(job_id, run)
    except Exception as exc:
        logger.exception("download job %s stopped by an unexpected error", job_id)
        _end_after_crash(job_id, run, exc)
    finally:
        # Whatever happened, no job is this run's any more (the job, and peers claimed with it).
        DownloadJob.objects.filter(run_id=run).update(run_id="")


def _end_after_crash(job_id: int, run: str, exc: Exception) -> None:
    """The job fails with the transfer it leads (its followers would get the same bytes); peers claimed with it
    go back to the queue, or on to the transfer they lead, in runs of their own."""
    reason = f"An unexpected error stopped this job ({type(exc).__name__}); the worker's log has the details."
    for transfer in Transfer.objects.filter(leader_id=job_id, leader__run_id=run):
        _fail_transfer(transfer, reason, code="INTERNAL_ERROR")
    job_end(job_id, _CLAIMABLE, JobState.FAILED, reason, match={"run_id": run}, upstream_code="INTERNAL_ERROR")
    for peer in DownloadJob.objects.filter(run_id=run).exclude(pk=job_id).values("pk", "state"):
        state = JobState.QUEUED if peer["state"] == JobState.AUTHORIZING else peer["state"]
        if job_move(peer["pk"], peer["state"], match={"run_id": run}, state=state, run_id=""):
            enqueue(peer["pk"])


def _run(job_id: int, run: str) -> None:
    job = DownloadJob.objects.get(pk=job_id)
    if job.state in _RUNNING and job.transfer_id is None:
        # Its transfer ended without it (a race with a cancelled leader, an orphan tidied away): start over.
        job_move(job.pk, _RUNNING, state=JobState.AUTHORIZING, reason="Its transfer ended; authorizing again.")
        job.state = JobState.AUTHORIZING
    if job.state in (JobState.QUEUED, JobState.AUTHORIZING):
        job_move(job.pk, [JobState.QUEUED, JobState.AUTHORIZING], state=JobState.AUTHORIZING, reason="Authorizing.")
        job.state = JobState.AUTHORIZING
        batch = [job, *_claim_peers(job, run)]
        steps = authorize(get_client(), batch).steps
        for other in batch[1:]:
            _release(other.pk, run)
            if steps.get(other.pk) is Step.LEADS:  # peers that lead a transfer get their own run
                enqueue(other.pk)
        job.refresh_from_db()
    transfer = job.transfer
    if job.state in _RUNNING and transfer is not None and transfer.leader_id == job.pk:
        run_transfer(job, transfer, run)


class ProgressWriter:
    """Saves progress (bytes, rate, ETA, heartbeat) at most twice a second on the leader, its followers and the
    transfer; raises TransferAborted when the leader is no longer this run's (cancelled or taken over)."""

    def __init__(self, job_id: int, transfer_id: int, run: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.job_id, self.transfer_id, self.run = job_id, transfer_id, run
        self.clock = clock  # injectable, so the throttle is tested without racing a real clock
        self.last_save = 0.0
        self.last_bytes: int | None = None
        self.rate = 0.0

    def __call__(self, done: int, total: int | None, *, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.last_save < conf.PROGRESS_INTERVAL_SECONDS and done != total:
            return
        if self.last_bytes is not None and now > self.last_save and done >= self.last_bytes:
            instant = (done - self.last_bytes) / (now - self.last_save)
            self.rate = instant if self.rate == 0 else 0.7 * self.rate + 0.3 * instant
        self.last_save, self.last_bytes = now, done
        eta = int((total - done) / self.rate) if total and self.rate > 0 else None
        fields = {
            "bytes_done": done,
            "bytes_total": total,
            "rate": self.rate,
            "eta_seconds": eta,
            "heartbeat_at": (stamp := timezone.now()),
            "updated_at": stamp,
        }
        # One transaction, not three: each commit waits for the database's log to reach the disk, and this runs
        # in the thread that reads the socket (the hashers idle once their few queued chunks are done).
        with transaction.atomic(savepoint=False):
            owned = DownloadJob.objects.filter(pk=self.job_id, run_id=self.run, state__in=_RUNNING).update(**fields)
            if not owned:
                raise TransferAborted
            followers = DownloadJob.objects.filter(transfer_id=self.transfer_id, state__in=_RUNNING)
            followers.exclude(pk=self.job_id).update(**fields)
            Transfer.objects.filter(pk=self.transfer_id).update(bytes_done=done, updated_at=fields["updated_at"])


def _transfer_jobs(transfer: Transfer):
    return DownloadJob.objects.filter(transfer_id=transfer.pk, state__in=_RUNNING)


def _transfer_job_ids(transfer: Transfer) -> list[int]:
    return list(_transfer_jobs(transfer).order_by("pk").values_list("pk", flat=True))


def run_transfer(job: DownloadJob, transfer: Transfer, run: str) -> None:
    """Stream, verify and store; one clean retry after a checksum mismatch, then fail showing both."""
    progress = ProgressWriter(job.pk, transfer.pk, run)
    partial = storage.partial_path(transfer.sha512)
    while True:
        _transfer_jobs(transfer).update(state=JobState.DOWNLOADING, reason="Downloading.")
        source = UrlSource(transfer, get_client())
        stream = PartialStream(
            source,
            partial,
            size=transfer.size,
            progress=progress,
            chunk_size=conf.chunk_size(),
            max_rate=conf.max_rate(),
            attempts=conf.stream_attempts(),
        )
        started = time.monotonic()
        try:
            digests = stream.run()
        except TransferAborted:
            _hand_over(job, transfer, run)
            return
        except NeedsAuthorization as exc:
            _reauthorize(transfer, str(exc))
            return
        except (HostNotAllowed, TooManyRedirects) as exc:
            _fail_transfer(transfer, f"Download refused before connecting: {exc}", code="HOST_NOT_ALLOWED")
            return
        except (DownloadError, AsdError) as exc:
            _fail_transfer(transfer, f"The transfer failed: {exc}", code=exc.code)
            return
        except OSError as exc:
            _fail_transfer(transfer, f"Storage error while writing the partial file: {exc.strerror or exc}")
            return
        if stream.resumed_from:
            logger.info("transfer %s resumed from byte %d", transfer.sha512[:12], stream.resumed_from)
        progress(digests.size, transfer.size, force=True)
        streamed = time.monotonic()
        if _verify_and_store(transfer, partial, digests):
            logger.info(
                "transfer %s: %d bytes streamed in %.2f s, verified and stored in %.2f s",
                transfer.sha512[:12],
                digests.size - stream.resumed_from,
                streamed - started,
                time.monotonic() - streamed,
            )
            return
        transfer.refresh_from_db()
        if transfer.mismatches >= 2:
            _fail_transfer(
                transfer,
                _mismatch_reason(transfer, digests),
                code="CHECKSUM_MISMATCH",
                actual_md5=digests.md5,
                actual_sha512=digests.sha512,
            )
            return
        logger.warning(
            "download job %s: the bytes of %s did not match the published checksums; one clean retry",
            job.pk,
            transfer.image_name,
        )


def _mismatch_reason(transfer: Transfer, digests: Digests) -> str:
    return (
        f"The bytes did not match the published checksums twice. Expected size {transfer.size}, sha512 "
        f"{transfer.sha512}, md5 {transfer.md5}; received size {digests.size}, sha512 {digests.sha512}, "
        f"md5 {digests.md5}."
    )


def _verify_and_store(transfer: Transfer, partial, digests: Digests) -> bool:
    """Size and sha512 must match (the proof), md5 too (a second check); then the atomic move and the row."""
    _transfer_jobs(transfer).update(
        state=JobState.VERIFYING, reason="Verifying checksums.", actual_md5=digests.md5, actual_sha512=digests.sha512
    )
    ok = (
        (transfer.size is None or digests.size == transfer.size)
        and digests.sha512 == transfer.sha512
        and (not transfer.md5 or digests.md5 == transfer.md5)
    )
    if not ok:
        partial.unlink(missing_ok=True)
        Transfer.objects.filter(pk=transfer.pk).update(mismatches=F("mismatches") + 1, bytes_done=0)
        return False
    storage.commit_partial(partial, transfer.sha512)
    leader = DownloadJob.objects.get(pk=transfer.leader_id) if transfer.leader_id else None
    stored, _ = StoredImage.objects.get_or_create(
        sha512=transfer.sha512,
        defaults={
            "md5": digests.md5,
            "size": digests.size,
            "name": transfer.image_name,
            "image_guid": transfer.image_guid,
            "pid": transfer.pid,
            "mdf_id": transfer.mdf_id,
            "verified_at": timezone.now(),
            "release_version": leader.release_version if leader else "",
            "software_type": leader.software_type if leader else "",
        },
    )
    for job_id in _transfer_job_ids(transfer):
        job_end(
            job_id,
            _RUNNING,
            JobState.STORED,
            "Stored and verified (size, sha512 and md5 match).",
            match={"transfer_id": transfer.pk},
            stored_image=stored,
            bytes_done=digests.size,
            bytes_total=digests.size,
        )
    transfer.delete()
    logger.info("stored %s (%d bytes, sha512 %s)", transfer.image_name, digests.size, transfer.sha512[:16])
    return True


def _fail_transfer(transfer: Transfer, reason: str, code: str = "", **extra: str) -> None:
    """Every job of the transfer fails with the same reason (they would all get the same bytes).

    A partial with bytes in it stays for a retry to resume (the sweep removes it after a day); an empty one goes.
    """
    partial = storage.partial_path(transfer.sha512)
    if partial.exists() and partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
    for job_id in _transfer_job_ids(transfer):
        job_end(
            job_id, _RUNNING, JobState.FAILED, reason, match={"transfer_id": transfer.pk}, upstream_code=code, **extra
        )
    transfer.delete()


def _reauthorize(transfer: Transfer, reason: str) -> None:
    """A fresh URL came with exceptions instead (e.g. a form changed): the jobs are authorized again.

    The partial stays: it is named by the image's sha512, so the next transfer resumes it.
    """
    ids = list(_transfer_jobs(transfer).values_list("pk", flat=True))
    _transfer_jobs(transfer).update(
        state=JobState.QUEUED, run_id="", transfer=None, reason=text_clean(reason), updated_at=timezone.now()
    )
    transfer.delete()
    for job_id in ids:
        enqueue(job_id)


def _hand_over(job: DownloadJob, transfer: Transfer, run: str) -> None:
    """The leader stopped being ours: if it was cancelled, a waiting job takes the transfer over (resuming
    the partial); with none left, the transfer and its partial go."""
    state = DownloadJob.objects.filter(pk=job.pk).values_list("state", flat=True).first()
    if state is not None and state not in (JobState.CANCELLED, JobState.FAILED):
        return  # requeued after a missed heartbeat: the run that owns the job now carries on
    follower = _transfer_jobs(transfer).exclude(pk=job.pk).order_by("pk").first()
    if follower is not None:
        Transfer.objects.filter(pk=transfer.pk).update(leader=follower)
        DownloadJob.objects.filter(pk=follower.pk).update(run_id="")
        enqueue(follower.pk)
        return
    storage.partial_path(transfer.sha512).unlink(missing_ok=True)
    transfer.delete()
