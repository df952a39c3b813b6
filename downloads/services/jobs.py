"""Requests, state transitions guarded against stale copies, cancel/retry, and the compliance waits."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from downloads.choices import (
    CANCELLABLE_STATES,
    HELD_BY_COMPLIANCE,
    RETRYABLE_STATES,
    ComplianceNeed,
    JobSource,
    JobState,
)
from downloads.models import DownloadJob, StoredImage
from downloads.signals import send_job_ended
from downloads.storage import UnsafeImageName, validate_image_name
from portal.core.text import fields_clean

logger = logging.getLogger("downloads.jobs")
# C0 and C1 controls, DEL, line and paragraph separators, bidi overrides: what could break or disguise a log line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


class DownloadRequestInvalid(ValueError):
    """A download request that cannot be accepted (``code`` for the API's error body)."""

    def __init__(self, message: str, *, code: str = "invalid_request") -> None:
        super().__init__(message)
        self.code = code


class JobActionRefused(Exception):
    """Cancel or retry asked in a state that does not allow it."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


def enqueue(job_id: int) -> None:
    """Queue a run of the job once the current transaction commits (the row must be visible to the worker)."""
    from downloads.tasks import download_job_run_task

    transaction.on_commit(lambda: download_job_run_task.delay(job_id))


def job_move(
    job_id: int, expected: str | Iterable[str], *, match: Mapping[str, Any] | None = None, **fields: Any
) -> bool:
    """Move a job only if it is still in one of the ``expected`` states (and its columns equal ``match``); True
    when this call moved it.

    Text fields are cleaned for the database here: reasons and upstream codes/messages quote the upstream, whose
    text may hold NUL characters (PostgreSQL refuses them).
    """
    states = [expected] if isinstance(expected, str) else list(expected)
    fields.setdefault("updated_at", timezone.now())
    rows = DownloadJob.objects.filter(pk=job_id, state__in=states, **(match or {}))
    return rows.update(**fields_clean(fields)) == 1


def _terminal_fields(state: str, reason: str, **extra: Any) -> dict[str, Any]:
    """The fields of a job that ends (no owner any more, finished now), text cleaned for the database (the reason
    and ``extra`` may quote the upstream)."""
    now = timezone.now()
    return fields_clean(
        {
            "state": state,
            "reason": reason,
            "run_id": "",
            "finished_at": now,
            "updated_at": now,
            "rate": 0,
            "eta_seconds": None,
            **extra,
        }
    )


def job_end(
    job_id: int,
    expected: str | Iterable[str],
    state: str,
    reason: str,
    *,
    match: Mapping[str, Any] | None = None,
    **extra: Any,
) -> bool:
    """End a job that is still in one of the ``expected`` states: stored, failed, blocked or cancelled, with
    ``reason``; True when this call ended it.

    Every job that ends stored or failed ends here, so this is where ``job_stored``/``job_failed`` are sent (on
    commit) and where a failure is logged, once, as a WARNING line with the job id and the reason.
    """
    if "upstream_code" in extra:
        extra["upstream_code"] = extra["upstream_code"][:64]
    if state != JobState.BLOCKED:
        extra.setdefault("waiting_for", ComplianceNeed.NONE)  # an ended job waits for nothing
    if not job_move(job_id, expected, match=match, **_terminal_fields(state, reason, **extra)):
        return False
    if state == JobState.FAILED:
        code = extra.get("upstream_code") or "-"
        logger.warning("download job %s failed (%s): %s", job_id, one_line(code), one_line(reason))
    send_job_ended(job_id, state)
    return True


def one_line(text: str) -> str:
    """``text`` for a log line: control characters (line breaks, escapes, bidi overrides) become spaces, so quoted
    upstream text cannot forge or disguise log lines."""
    return _CONTROL.sub(" ", text).strip()


def _stored_for(image_name: str, image_guid: str) -> StoredImage | None:
    images = StoredImage.objects.all()
    if image_guid:
        return images.filter(image_guid__iexact=image_guid).first()
    return images.filter(name=image_name).first()


def download_job_request(
    *,
    pid: str,
    image_name: str,
    image_guid: str = "",
    mdf_id: str = "",
    requested_by: Any = None,
    source: str = JobSource.API,
    metadata_trans_id: str = "",
    metadata_at: dt.datetime | None = None,
) -> DownloadJob:
    """Write a job for one image of ``pid`` and enqueue it on commit; an image already stored completes at once."""
    pid = (pid or "").strip()
    if not pid or len(pid) > 100:
        raise DownloadRequestInvalid("a PID is required (at most 100 characters)", code="invalid_pid")
    try:
        validate_image_name(image_name)
    except UnsafeImageName as exc:
        raise DownloadRequestInvalid(f"image name refused: {exc}", code="unsafe_image_name") from None
    if source not in JobSource.values:
        raise DownloadRequestInvalid(f"unknown source {source!r}", code="invalid_source")
    image_guid, mdf_id = (image_guid or "").strip().upper(), (mdf_id or "").strip()
    if len(image_guid) > 64 or len(mdf_id) > 32:
        raise DownloadRequestInvalid("image_guid or mdf_id is too long", code="invalid_request")
    user = requested_by if getattr(requested_by, "is_authenticated", False) else None
    fields = {
        "pid": pid,
        "image_name": image_name,
        "image_guid": image_guid,
        "mdf_id": mdf_id,
        "source": source,
        "requested_by": user,
        "metadata_trans_id": metadata_trans_id,
        "metadata_at": metadata_at,
    }
    with transaction.atomic():
        job = DownloadJob.objects.create(**fields)
        stored = _stored_for(image_name, image_guid)
        if stored is None:
            enqueue(job.pk)
            return job
        job_end(
            job.pk,
            JobState.QUEUED,
            JobState.STORED,
            "Already in storage.",
            stored_image=stored,
            expected_sha512=stored.sha512,
            expected_md5=stored.md5,
            expected_size=stored.size,
            actual_sha512=stored.sha512,
            actual_md5=stored.md5,
            bytes_done=stored.size,
            bytes_total=stored.size,
            started_at=timezone.now(),
        )
    return DownloadJob.objects.get(pk=job.pk)


def download_job_cancel(*, job_id: int, reason: str = "Cancelled by a user.") -> DownloadJob:
    """Cancel a job that has not ended; a transfer it leads is handed to another waiting job or stopped."""
    job = DownloadJob.objects.get(pk=job_id)
    if job.state not in CANCELLABLE_STATES or not job_end(job.pk, CANCELLABLE_STATES, JobState.CANCELLED, reason):
        raise JobActionRefused(
            f"a job that is {job.get_state_display().lower()} cannot be cancelled", code="job_not_cancellable"
        )
    # A leader's own run notices at its next progress save (at most half a second) and hands the transfer over.
    return DownloadJob.objects.get(pk=job_id)


def download_job_retry(*, job_id: int) -> DownloadJob:
    """Queue a failed, cancelled or blocked job again, from the start (authorization included)."""
    job = DownloadJob.objects.get(pk=job_id)
    fields: dict[str, Any] = {
        "state": JobState.QUEUED,
        "reason": "Retried.",
        "upstream_code": "",
        "upstream_message": "",
        "waiting_for": "",
        "run_id": "",
        "transfer": None,
        "finished_at": None,
        "bytes_done": 0,
        "rate": 0,
        "eta_seconds": None,
        "actual_md5": "",
        "actual_sha512": "",
        "heartbeat_at": None,
    }
    with transaction.atomic():
        if job.state not in RETRYABLE_STATES or not job_move(job.pk, RETRYABLE_STATES, **fields):
            raise JobActionRefused(
                f"a job that is {job.get_state_display().lower()} cannot be retried", code="job_not_retryable"
            )
        enqueue(job.pk)
    return DownloadJob.objects.get(pk=job_id)


def _held_on(form: str, states: Iterable[str]) -> list[tuple[int, str]]:
    """(id, state) of the jobs in ``states`` held by ``form`` (alone or with the other form)."""
    if form not in (ComplianceNeed.K9, ComplianceNeed.EULA):
        raise ValueError('form must be "k9" or "eula"')
    rows = DownloadJob.objects.filter(state__in=list(states), waiting_for__in=[form, ComplianceNeed.K9_EULA])
    return list(rows.values_list("pk", "state"))


def download_jobs_resume_waiting(*, form: str, reason: str = "") -> int:
    """Every job held by ``form`` (waiting on it, or blocked by its decline) goes back to authorizing and is
    enqueued, because the form was accepted; returns how many.

    What the upstream said about the form is stale now and is cleared; a job that also needs the other form
    simply waits again when the upstream says so.
    """
    reason = reason or f"The {ComplianceNeed(form).label} was accepted; asking the upstream again."
    moved = 0
    with transaction.atomic():
        for job_id, state in _held_on(form, HELD_BY_COMPLIANCE):
            if job_move(
                job_id,
                state,
                state=JobState.AUTHORIZING,
                waiting_for=ComplianceNeed.NONE,
                run_id="",
                heartbeat_at=timezone.now(),  # the beat must not take the long wait for a dead worker
                upstream_code="",
                upstream_message="",
                reason=reason,
            ):
                enqueue(job_id)
                moved += 1
    return moved


def download_jobs_block_by_compliance(*, form: str, reason: str) -> int:
    """Every job waiting on ``form`` is blocked by compliance with ``reason`` (the form was declined); returns
    how many. Jobs it blocked before take the newer ``reason``; what the upstream said about the form is stale
    now and is cleared. They stay held by that form: its acceptance resumes them, and they can be cancelled."""
    blocked = 0
    with transaction.atomic():
        for job_id, state in _held_on(form, HELD_BY_COMPLIANCE):
            moved = job_move(
                job_id,
                state,
                state=JobState.BLOCKED_BY_COMPLIANCE,
                waiting_for=form,
                run_id="",
                upstream_code="",
                upstream_message="",
                reason=reason,
            )
            blocked += int(moved and state == JobState.AWAITING_COMPLIANCE)
    return blocked
