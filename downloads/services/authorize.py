"""Authorization of queued jobs: metadata (a fresh metadataTransId), then download/pidimage for up to 5 GUIDs.

Authorizing is a walk of steps, each of which leaves every job it looks at with one :class:`Step` saying where it
is now: only ``Step.PENDING`` jobs go on to the next step (they still need the upstream); every other value is
final for this run and says why. In order:

1. :func:`_from_storage` — the image is stored already (the job completes) or its transfer is running (the job
   joins it);
2. :func:`_metadata_step` — metadata/pidimage when the job's metadataTransId is missing, stale or mixed: unknown
   images fail;
3. :func:`_urls_step` — download/pidimage: each image's outcome is the client's
   (:class:`portal.cisco.errors.ImageOutcome`): forms to accept put the job in the compliance queue, a refused
   K9 answer blocks it by compliance (an acceptance resumes it), refusals block it with the upstream's code and
   message, a URL makes the job lead (or join) the one transfer of that
   image.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from downloads import conf
from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob, StoredImage, Transfer
from downloads.services.jobs import enqueue, job_end, job_move
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
_HEX = re.compile(r"[0-9a-fA-F]+")
_AUTHORIZING_OR_RUNNING = [JobState.AUTHORIZING, JobState.DOWNLOADING, JobState.VERIFYING]


class Step(enum.StrEnum):
    """Where one authorization step left a job."""

    PENDING = "pending"  # still needs the upstream: goes on to the next step
    LEADS = "leads"  # holds its image's transfer lock: the caller runs the transfer
    JOINED = "joined"  # waits for the running transfer of its image (led by another job)
    STORED = "stored"  # done: the verified image is in storage
    AWAITING_COMPLIANCE = "awaiting_compliance"  # waits for an officer to accept a form
    BLOCKED_BY_COMPLIANCE = "blocked_by_compliance"  # the form was declined: an acceptance resumes it
    BLOCKED = "blocked"  # the upstream refuses it; no form changes that
    FAILED = "failed"
    REQUEUED = "requeued"  # back in the queue (a race lost, or passing upstream trouble)
    GONE = "gone"  # it left the state we expected under us (cancelled meanwhile): nothing more to do


@dataclass
class Authorization:
    """The step each job of a batch ended on (by job id), and the jobs that now lead a transfer."""

    steps: dict[int, Step] = field(default_factory=dict)
    leaders: list[DownloadJob] = field(default_factory=list)

    def record(self, job: DownloadJob, step: Step) -> None:
        """Note the step ``job`` ended on (a job that leads a transfer joins ``leaders``)."""
        self.steps[job.pk] = step
        if step is Step.LEADS:
            self.leaders.append(job)


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


def authorize(client: AsdClient, jobs: list[DownloadJob]) -> Authorization:
    """Authorize jobs of one PID claimed together (all authorizing); every job ends on a :class:`Step`."""
    result = Authorization()
    pending = _pending(result, jobs, _from_storage)
    try:
        if pending and _metadata_stale(pending):
            pending = _pending(result, _metadata_step(result, client, pending), _from_storage)
        if pending:
            try:
                _urls_step(result, client, pending)
            except TransactionExpired:
                # MTRANSID_EXPIRED (or INVALID_MTRANSID): query metadata again, then ask once more.
                pending = _pending(result, _metadata_step(result, client, pending), _from_storage)
                if pending:
                    _urls_step(result, client, pending)
    except (UpstreamUnavailable, RateLimited) as exc:
        # Passing trouble: back to the queue; reconciliation enqueues it again after a while.
        logger.warning("authorizing jobs %s postponed: %s", [j.pk for j in pending], exc)
        reason = f"The upstream is unavailable ({exc.message}); the job will be tried again."
        for job in _unsettled(result, pending):
            moved = job_move(job.pk, JobState.AUTHORIZING, state=JobState.QUEUED, run_id="", reason=reason)
            result.record(job, Step.REQUEUED if moved else Step.GONE)
    except AsdError as exc:
        for job in _unsettled(result, pending):
            result.record(
                job,
                _fail(
                    job,
                    f"The upstream refused the request: {exc.message}",
                    code=exc.code,
                    message=exc.message,
                ),
            )
    return result


def _pending(
    result: Authorization, jobs: Iterable[DownloadJob], step: Callable[[DownloadJob], Step]
) -> list[DownloadJob]:
    """Apply ``step`` to each job, record where it left it, and return the jobs still ``Step.PENDING``."""
    still = []
    for job in jobs:
        outcome = step(job)
        if outcome is Step.PENDING:
            still.append(job)
        else:
            result.record(job, outcome)
    return still


def _unsettled(result: Authorization, jobs: list[DownloadJob]) -> list[DownloadJob]:
    """The jobs of ``jobs`` no step has settled yet (an upstream error interrupted their step)."""
    return [job for job in jobs if job.pk not in result.steps]


def _metadata_stale(jobs: list[DownloadJob]) -> bool:
    """Whether the jobs need metadata again before download/pidimage: one metadataTransId for the whole call, young
    enough, and the digests and mdfId it gave."""
    if len({j.metadata_trans_id for j in jobs}) > 1:
        return True
    return any(
        not (j.metadata_trans_id and metadata_fresh(j.metadata_at) and j.expected_sha512 and j.mdf_id) for j in jobs
    )


# --- Step 1: what we have already -------------------------------------------------------------------------------


def _from_storage(job: DownloadJob) -> Step:
    """The image is stored (the job completes) or its transfer runs (the job joins it); else ``PENDING``."""
    stored = transfer = None
    if job.expected_sha512:
        stored = StoredImage.objects.filter(sha512=job.expected_sha512).first()
        transfer = Transfer.objects.filter(sha512=job.expected_sha512).first()
    elif job.image_guid:
        stored = StoredImage.objects.filter(image_guid__iexact=job.image_guid).first()
        transfer = Transfer.objects.filter(image_guid__iexact=job.image_guid).first()
    if stored is not None:
        return _complete_from_store(job, stored)
    if transfer is not None:
        return _join(job, transfer)
    return Step.PENDING


def _complete_from_store(job: DownloadJob, stored: StoredImage, reason: str = "Already in storage.") -> Step:
    """The image is stored already: the job is done at once."""
    ended = job_end(
        job.pk,
        _AUTHORIZING_OR_RUNNING,
        JobState.STORED,
        reason,
        stored_image=stored,
        transfer=None,
        bytes_done=stored.size,
        bytes_total=stored.size,
        actual_sha512=stored.sha512,
        actual_md5=stored.md5,
    )
    return Step.STORED if ended else Step.GONE


def _join(job: DownloadJob, transfer: Transfer) -> Step:
    """Make ``job`` wait for a running transfer of its image (it completes with it)."""
    try:
        with transaction.atomic():
            joined = job_move(
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
        joined = False  # the transfer ended (its row is gone) between our look and our join
    # The leader may have finished between our look and our join: then the file is there.
    stored = StoredImage.objects.filter(sha512=transfer.sha512).first()
    if stored is not None:
        return _complete_from_store(job, stored)
    return Step.JOINED if joined else _requeue(job)


def _requeue(job: DownloadJob) -> Step:
    """Back to the queue, to be looked at afresh by another run (a race with a transfer that just ended)."""
    if job_move(job.pk, JobState.AUTHORIZING, state=JobState.QUEUED, run_id=""):
        enqueue(job.pk)
        return Step.REQUEUED
    return Step.GONE


def _fail(job: DownloadJob, reason: str, *, code: str = "", message: str = "") -> Step:
    """End the job as failed, keeping the upstream's code and message when there is one."""
    ended = job_end(
        job.pk, _AUTHORIZING_OR_RUNNING, JobState.FAILED, reason, upstream_code=code, upstream_message=message
    )
    return Step.FAILED if ended else Step.GONE


# --- Step 2: metadata -----------------------------------------------------------------------------------------


def _metadata_step(result: Authorization, client: AsdClient, jobs: list[DownloadJob]) -> list[DownloadJob]:
    """One metadata call for the jobs (same PID, up to 5 names): record what it says about each image on its job;
    jobs whose image the upstream does not describe usably fail. Returns the jobs that go on."""
    names = list(dict.fromkeys(job.image_name for job in jobs))
    found = lookup_images(client, pid=jobs[0].pid, names=names)
    known = []
    for job in jobs:
        match = _pick(found.get(job.image_name, []), job.image_guid)
        if match is None:
            result.record(
                job, _fail(job, f"The upstream lists no image {job.image_name!r} for PID {job.pid}.", code="NOT_FOUND")
            )
        elif (problem := published_problem(match.image)) is not None:
            result.record(job, _fail(job, problem, code="BAD_METADATA"))
        else:
            _record_metadata(job, match)
            known.append(job)
    return known


def published_problem(image: Image) -> str | None:
    """Why what the upstream published about ``image`` cannot be trusted to check its bytes, or None when it can.

    The digests are the proof the stored bytes are Cisco's: they are checked for shape before anything is built on
    them (a transfer row, a partial file named by the sha512), so a hostile or broken answer fails the job with a
    reason instead of crashing a worker.
    """
    if not image.sha512:
        return "The upstream published no sha512 for this image, so its bytes could not be verified."
    if not _HEX.fullmatch(image.sha512) or len(image.sha512) != 128:
        return f"The upstream published a sha512 that is not 128 hex digits ({_shown(image.sha512)})."
    if not _HEX.fullmatch(image.md5) or len(image.md5) != 32:
        return f"The upstream published an md5 that is not 32 hex digits ({_shown(image.md5)})."
    if image.size is None or image.size < 0:
        return "The upstream published a size that is not a non-negative whole number of bytes."
    return None


def _shown(value: str) -> str:
    """A published value, short, for a reason: ``repr`` keeps control characters visible and inert."""
    return f"got {value[:40]!r}{'...' if len(value) > 40 else ''}" if value else "got nothing"


def _pick(candidates: list[Found], guid: str) -> Found | None:
    if guid:
        return next((c for c in candidates if c.image.image_guid.upper() == guid.upper()), None)
    return candidates[0] if candidates else None


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


# --- Step 3: download URLs ------------------------------------------------------------------------------------


def _urls_step(result: Authorization, client: AsdClient, jobs: list[DownloadJob]) -> None:
    """download/pidimage for the jobs (one PID, one metadataTransId, up to 5 GUIDs); every job gets its step."""
    guids = list(dict.fromkeys(job.image_guid for job in jobs))[:MAX_IMAGES]
    answer = client.download_urls(
        pid=jobs[0].pid, mdf_id=jobs[0].mdf_id, metadata_trans_id=jobs[0].metadata_trans_id, image_guids=guids
    )
    offers = {offer.image_guid.upper(): offer for offer in answer.offers}
    for job in jobs:
        offer = offers.get(job.image_guid)
        if offer is None:
            result.record(job, _fail(job, "The upstream's answer did not mention this image."))
        else:
            result.record(job, _offer_step(job, offer))


def _offer_step(job: DownloadJob, offer: DownloadOffer) -> Step:
    """Apply one image's answer to its job."""
    codes = ", ".join(e.code for e in offer.exceptions)
    message = "\n".join(e.message for e in offer.exceptions)
    if offer.outcome in _NEEDS:
        return _await_compliance(job, _NEEDS[offer.outcome], codes, message)
    if offer.outcome is ImageOutcome.K9_REFUSED:
        moved = job_move(
            job.pk,
            JobState.AUTHORIZING,
            state=JobState.BLOCKED_BY_COMPLIANCE,
            waiting_for=ComplianceNeed.K9,
            run_id="",
            upstream_code=codes[:64],
            upstream_message=message,
            reason="Cisco refuses strong encryption for the K9 answer on record (declined, or refused by export "
            "rules); a new acceptance of the K9 form resumes the download.",
        )
        return Step.BLOCKED_BY_COMPLIANCE if moved else Step.GONE
    if offer.outcome is ImageOutcome.BLOCKED:
        ended = job_end(
            job.pk,
            JobState.AUTHORIZING,
            JobState.BLOCKED,
            "The upstream refuses this download; no form Depot can accept changes that.",
            upstream_code=codes,
            upstream_message=message,
            finished_at=None,
        )
        return Step.BLOCKED if ended else Step.GONE
    if not offer.downloadable:
        return _fail(job, "The upstream gave no download URL for this image.", code=codes, message=message)
    try:
        validate_image_name(offer.image_name)
    except UnsafeImageName as exc:
        return _fail(job, f"The upstream's file name was refused: {exc}.", code="UNSAFE_IMAGE_NAME")
    return _lead_or_join(job, offer, codes, message)


def _await_compliance(job: DownloadJob, need: str, codes: str, message: str) -> Step:
    """The job waits in the compliance queue for ``need``; officers are told (on commit)."""
    moved = job_move(
        job.pk,
        JobState.AUTHORIZING,
        state=JobState.AWAITING_COMPLIANCE,
        waiting_for=need,
        run_id="",
        upstream_code=codes[:64],
        upstream_message=message,
        reason=f"Waiting for a compliance officer to accept the {ComplianceNeed(need).label}.",
    )
    if not moved:
        return Step.GONE
    send_awaiting_compliance(job.pk)
    return Step.AWAITING_COMPLIANCE


def _lead_or_join(job: DownloadJob, offer: DownloadOffer, codes: str, message: str) -> Step:
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
        if existing is not None:
            return _join(job, existing)
        # It ended in between: stored now (complete), or gone without a file (look again from the queue).
        step = _from_storage(job)
        return _requeue(job) if step is Step.PENDING else step
    stored = StoredImage.objects.filter(sha512=job.expected_sha512).first()
    if stored is not None:  # stored between our look and our lock
        transfer.delete()
        return _complete_from_store(job, stored)
    leads = job_move(
        job.pk,
        JobState.AUTHORIZING,
        state=JobState.DOWNLOADING,
        transfer=transfer,
        reason="Downloading.",
        upstream_code=codes[:64],
        upstream_message=message,
    )
    if not leads:  # cancelled while we asked: the lock goes, or new jobs would wait on a transfer nobody runs
        transfer.delete()
        return Step.GONE
    return Step.LEADS
