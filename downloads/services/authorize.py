"""Authorization of queued jobs: metadata (a fresh metadataTransId), then download/pidimage for up to 5 GUIDs.

Each image's outcome is the client's (:class:`portal.cisco.errors.ImageOutcome`): forms to accept put the job
in the compliance queue, refusals block it with the upstream's code and message, a URL becomes (or joins) the
one transfer of that image.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from downloads import conf
from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob, StoredImage, Transfer
from downloads.services.jobs import job_end, job_move
from downloads.signals import send_awaiting_compliance
from downloads.storage import UnsafeImageName, validate_image_name
from portal.cisco.client import MAX_IMAGES, AsdClient
from portal.cisco.errors import ImageOutcome
from portal.cisco.exceptions import AsdError, RateLimited, TransactionExpired, UpstreamUnavailable
from portal.cisco.payloads import DownloadOffer, Image, ReleaseRecord
from portal.core.text import fields_clean

logger = logging.getLogger("downloads.authorize")

_NEEDS = {
    ImageOutcome.NEEDS_K9: ComplianceNeed.K9,
    ImageOutcome.NEEDS_EULA: ComplianceNeed.EULA,
    ImageOutcome.NEEDS_K9_AND_EULA: ComplianceNeed.K9_EULA,
}


@dataclass(frozen=True)
class Found:
    """An image as the metadata describes it, with the transaction that returned it."""

    image: Image
    record: ReleaseRecord
    trans_id: str


def metadata_fresh(at: dt.datetime | None) -> bool:
    """A metadataTransId is used while younger than 55 minutes (the spec lets it live 60)."""
    return at is not None and (timezone.now() - at).total_seconds() < conf.METADATA_MAX_AGE_SECONDS


def lookup_images(client: AsdClient, *, pid: str, names: list[str]) -> dict[str, list[Found]]:
    """metadata/pidimage for up to 5 names of ``pid``: every image found, by name (a name may repeat)."""
    found: dict[str, list[Found]] = {}
    for record in client.iter_images_by_pid(pid=pid, image_names=names[:MAX_IMAGES]):
        for image in record.images:
            found.setdefault(image.name, []).append(Found(image, record, record.metadata_trans_id))
    return found


def _pick(candidates: list[Found], guid: str) -> Found | None:
    if guid:
        return next((c for c in candidates if c.image.image_guid.upper() == guid.upper()), None)
    return candidates[0] if candidates else None


def fail(job: DownloadJob, reason: str, *, code: str = "", message: str = "") -> None:
    """End an authorizing or running job as failed, keeping the upstream's code and message when there is one."""
    job_end(
        job.pk,
        [JobState.AUTHORIZING, JobState.DOWNLOADING, JobState.VERIFYING],
        JobState.FAILED,
        reason,
        upstream_code=code,
        upstream_message=message,
    )


def complete_from_store(job: DownloadJob, stored: StoredImage, reason: str = "Already in storage.") -> bool:
    """The image is stored already: the job is done at once."""
    return job_end(
        job.pk,
        [JobState.AUTHORIZING, JobState.DOWNLOADING, JobState.VERIFYING],
        JobState.STORED,
        reason,
        stored_image=stored,
        transfer=None,
        bytes_done=stored.size,
        bytes_total=stored.size,
        actual_sha512=stored.sha512,
        actual_md5=stored.md5,
    )


def attach(job: DownloadJob, transfer: Transfer) -> bool:
    """Make ``job`` wait for a running transfer of its image (it completes with it)."""
    try:
        with transaction.atomic():
            moved = job_move(
                job.pk,
                JobState.AUTHORIZING,
                state=JobState.DOWNLOADING,
                transfer=transfer,
                run_id="",
                reason="Waiting for the transfer of this image that is already running.",
                bytes_total=transfer.size,
                expected_sha512=transfer.sha512,
                expected_md5=transfer.md5,
                expected_size=transfer.size,
            )
    except IntegrityError:
        moved = False  # the transfer ended (its row is gone) between our look and our attach
    # The leader may have finished between our look and our attach: then the file is there.
    stored = StoredImage.objects.filter(sha512=transfer.sha512).first()
    if stored is not None:
        return complete_from_store(job, stored)
    if not moved:
        _requeue(job)
    return moved


def _shortcut(job: DownloadJob) -> bool:
    """Stored already, or a transfer is running: True when the job needs nothing more from the upstream."""
    stored = transfer = None
    if job.expected_sha512:
        stored = StoredImage.objects.filter(sha512=job.expected_sha512).first()
        transfer = Transfer.objects.filter(sha512=job.expected_sha512).first()
    elif job.image_guid:
        stored = StoredImage.objects.filter(image_guid__iexact=job.image_guid).first()
        transfer = Transfer.objects.filter(image_guid__iexact=job.image_guid).first()
    if stored is not None:
        return complete_from_store(job, stored) or True
    if transfer is not None:
        return attach(job, transfer) or True
    return False


def _record_metadata(job: DownloadJob, found: Found) -> None:
    image, record = found.image, found.record
    fields = {
        "image_guid": image.image_guid.upper(),
        "mdf_id": str(record.mdf_id or job.mdf_id),
        "metadata_trans_id": found.trans_id,
        "metadata_at": timezone.now(),
        "release_version": record.version[:100],
        "software_type": record.software_type_name[:200],
        "expected_size": image.size,
        "expected_md5": image.md5.lower(),
        "expected_sha512": image.sha512.lower(),
        "bytes_total": image.size,
    }
    fields = fields_clean(fields)  # all of it is the upstream's text
    DownloadJob.objects.filter(pk=job.pk).update(**fields)
    for key, value in fields.items():
        setattr(job, key, value)


def refresh_metadata(client: AsdClient, jobs: list[DownloadJob]) -> list[DownloadJob]:
    """One metadata call for the jobs (same PID, up to 5 names); jobs the upstream does not know fail."""
    names = list(dict.fromkeys(job.image_name for job in jobs))
    found = lookup_images(client, pid=jobs[0].pid, names=names)
    known = []
    for job in jobs:
        match = _pick(found.get(job.image_name, []), job.image_guid)
        if match is None:
            fail(job, f"The upstream lists no image {job.image_name!r} for PID {job.pid}.", code="NOT_FOUND")
        elif not match.image.sha512:
            fail(job, "The upstream published no sha512 for this image, so its bytes could not be verified.")
        else:
            _record_metadata(job, match)
            known.append(job)
    return known


def _offer_outcome(job: DownloadJob, offer: DownloadOffer, client: AsdClient) -> DownloadJob | None:
    """Apply one image's answer to its job; return the job when it now leads a transfer."""
    codes = ", ".join(e.code for e in offer.exceptions)
    message = "\n".join(e.message for e in offer.exceptions)
    if offer.outcome in _NEEDS:
        need = _NEEDS[offer.outcome]
        if job_move(
            job.pk,
            JobState.AUTHORIZING,
            state=JobState.AWAITING_COMPLIANCE,
            waiting_for=need,
            run_id="",
            upstream_code=codes[:64],
            upstream_message=message,
            reason=f"Waiting for a compliance officer to accept the {ComplianceNeed(need).label}.",
        ):
            send_awaiting_compliance(job.pk)
        return None
    if offer.outcome is ImageOutcome.BLOCKED:
        job_end(
            job.pk,
            JobState.AUTHORIZING,
            JobState.BLOCKED,
            "The upstream refuses this download; no form Depot can accept changes that.",
            upstream_code=codes,
            upstream_message=message,
            finished_at=None,
        )
        return None
    if not offer.downloadable:
        fail(job, "The upstream gave no download URL for this image.", code=codes, message=message)
        return None
    try:
        validate_image_name(offer.image_name)
    except UnsafeImageName as exc:
        fail(job, f"The upstream's file name was refused: {exc}.")
        return None
    return _lead_or_join(job, offer, codes, message)


def _lead_or_join(job: DownloadJob, offer: DownloadOffer, codes: str, message: str) -> DownloadJob | None:
    """Take the image's transfer lock (a unique row) or, if someone holds it, wait for their transfer."""
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                **fields_clean(
                    {
                        "sha512": job.expected_sha512,
                        "md5": job.expected_md5,
                        "size": job.expected_size,
                        "image_guid": job.image_guid,
                        "image_name": offer.image_name,
                        "pid": job.pid,
                        "mdf_id": job.mdf_id,
                        "metadata_trans_id": job.metadata_trans_id,
                        "metadata_at": job.metadata_at,
                        "url": offer.url or "",
                        "token": offer.token,
                        "url_issued_at": timezone.now(),
                        "leader": job,
                    }
                )
            )
    except IntegrityError:
        existing = Transfer.objects.filter(sha512=job.expected_sha512).first()
        if existing is None:  # it ended in between: look again from the start
            return None if _shortcut(job) else _requeue(job)
        attach(job, existing)
        return None
    stored = StoredImage.objects.filter(sha512=job.expected_sha512).first()
    if stored is not None:  # stored between our look and our lock
        transfer.delete()
        complete_from_store(job, stored)
        return None
    moved = job_move(
        job.pk,
        JobState.AUTHORIZING,
        state=JobState.DOWNLOADING,
        transfer=transfer,
        reason="Downloading.",
        upstream_code=codes[:64],
        upstream_message=message,
    )
    if not moved:  # cancelled while we asked: the lock goes, or new jobs would wait on a transfer nobody runs
        transfer.delete()
        return None
    return job


def _requeue(job: DownloadJob) -> None:
    from downloads.services.jobs import enqueue

    if job_move(job.pk, JobState.AUTHORIZING, state=JobState.QUEUED, run_id=""):
        enqueue(job.pk)


def request_urls(client: AsdClient, jobs: list[DownloadJob]) -> list[DownloadJob]:
    """download/pidimage for the jobs (one PID, one metadataTransId, up to 5 GUIDs); return new leaders."""
    guids = list(dict.fromkeys(job.image_guid for job in jobs))[:MAX_IMAGES]
    answer = client.download_urls(
        pid=jobs[0].pid, mdf_id=jobs[0].mdf_id, metadata_trans_id=jobs[0].metadata_trans_id, image_guids=guids
    )
    offers = {offer.image_guid.upper(): offer for offer in answer.offers}
    leaders = []
    for job in jobs:
        offer = offers.get(job.image_guid)
        if offer is None:
            fail(job, "The upstream's answer did not mention this image.")
        elif (led := _offer_outcome(job, offer, client)) is not None:
            leaders.append(led)
    return leaders


def authorize(client: AsdClient, jobs: list[DownloadJob]) -> list[DownloadJob]:
    """Authorize jobs of one PID claimed together; return the jobs that now lead a transfer."""
    pending = [job for job in jobs if not _shortcut(job)]
    if not pending:
        return []
    try:
        stale = len({j.metadata_trans_id for j in pending}) > 1 or any(
            not (j.metadata_trans_id and metadata_fresh(j.metadata_at) and j.expected_sha512 and j.mdf_id)
            for j in pending
        )
        if stale:
            pending = [job for job in refresh_metadata(client, pending) if not _shortcut(job)]
        if not pending:
            return []
        try:
            return request_urls(client, pending)
        except TransactionExpired:
            # MTRANSID_EXPIRED (or INVALID_MTRANSID): query metadata again, then ask once more.
            pending = [job for job in refresh_metadata(client, pending) if not _shortcut(job)]
            return request_urls(client, pending) if pending else []
    except (UpstreamUnavailable, RateLimited) as exc:
        # Passing trouble: back to the queue; reconciliation enqueues it again after a while.
        logger.warning("authorizing jobs %s postponed: %s", [j.pk for j in jobs], exc)
        for job in pending:
            job_move(
                job.pk,
                JobState.AUTHORIZING,
                state=JobState.QUEUED,
                run_id="",
                reason=f"The upstream is unavailable ({exc.message}); the job will be tried again.",
            )
        return []
    except AsdError as exc:
        for job in pending:
            job_end(
                job.pk,
                JobState.AUTHORIZING,
                JobState.FAILED,
                f"The upstream refused the request: {exc.message}",
                upstream_code=exc.code,
                upstream_message=exc.message,
            )
        return []
