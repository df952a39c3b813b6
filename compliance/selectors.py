"""Reads of the compliance app: current forms and their standing, the queue of waiting downloads, the chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from compliance.chain import HASHED_FIELDS, ChainReport, sha256_text, walk
from compliance.choices import NEEDS_FOR_FORM, FormKind
from compliance.models import ChainHead, Decision, FormSnapshot
from downloads.choices import JobState
from downloads.models import DownloadJob


def form_snapshot_current(kind: str) -> FormSnapshot | None:
    """The form of this kind the upstream delivered most recently (None before the first fetch)."""
    return FormSnapshot.objects.filter(kind=kind).order_by("-last_seen_at", "-pk").first()


def decision_latest(kind: str) -> Decision | None:
    """The latest decision on this form that the upstream took (attempts it refused do not count)."""
    return Decision.objects.filter(kind=kind, posted_ok=True).select_related("snapshot").order_by("-sequence").first()


def _held_jobs(state: str, kind: str | None) -> QuerySet[DownloadJob]:
    needs = NEEDS_FOR_FORM[kind] if kind else tuple({n for ns in NEEDS_FOR_FORM.values() for n in ns})
    jobs = DownloadJob.objects.filter(state=state, waiting_for__in=needs)
    return jobs.select_related("requested_by").order_by("created_at", "pk")


def waiting_jobs(kind: str | None = None) -> QuerySet[DownloadJob]:
    """Download jobs waiting on this form (either form when None), oldest first, with their requesters."""
    return _held_jobs(JobState.AWAITING_COMPLIANCE, kind)


def blocked_jobs(kind: str | None = None) -> QuerySet[DownloadJob]:
    """Download jobs blocked because this form (either form when None) was declined, oldest first; an acceptance
    resumes them."""
    return _held_jobs(JobState.BLOCKED_BY_COMPLIANCE, kind)


def queue_count() -> int:
    """How many download jobs wait on a compliance decision (the officers' navigation badge)."""
    return waiting_jobs().count()


@dataclass(frozen=True)
class FormStanding:
    """A form's current snapshot, the latest decision on it, and whether that decision covers this version."""

    kind: str
    label: str
    snapshot: FormSnapshot | None
    decision: Decision | None
    jobs: list = field(default_factory=list)  # waiting on the form
    blocked: list = field(default_factory=list)  # blocked by compliance: the form was declined

    @property
    def decision_is_current(self) -> bool:
        """The latest decision was given for the version Cisco delivers now."""
        return bool(self.decision and self.snapshot and self.decision.sub_app_version == self.snapshot.sub_app_version)

    @property
    def content_changed(self) -> bool:
        """Same version number, but the content differs from what was decided on."""
        if self.decision is None or self.snapshot is None or not self.decision_is_current:
            return False
        return self.decision.raw_sha256 != self.snapshot.sha256

    @property
    def needs_decision(self) -> bool:
        """Jobs wait on the form (Cisco asks for it), or nobody has decided on the current version."""
        return bool(self.jobs) or not self.decision_is_current

    @property
    def asked_again(self) -> bool:
        """Jobs wait although an acceptance exists: Cisco asks again (a new version, or it expired upstream)."""
        return bool(self.jobs and self.decision and self.decision.status == "Accepted")


def form_standing(kind: str) -> FormStanding:
    """The standing of one form, with the jobs it holds (waiting and blocked)."""
    jobs, blocked = list(waiting_jobs(kind)), list(blocked_jobs(kind))
    label = FormKind(kind).label
    return FormStanding(kind, label, form_snapshot_current(kind), decision_latest(kind), jobs, blocked)


def form_standings() -> list[FormStanding]:
    """Both forms' standing, K9 first."""
    return [form_standing(kind) for kind in FormKind.values]


def decisions_for_kind(kind: str, limit: int = 20) -> QuerySet:
    """Recent records (posted or not) on one form, newest first."""
    return Decision.objects.filter(kind=kind).order_by("-sequence")[:limit]


# --- the chain ----------------------------------------------------------------------------------------------------


def _chain_rows() -> Iterator[dict[str, Any]]:
    # Snapshots are few: check each one's content against its own hash once, then each record against it.
    snapshots = {
        pk: (sha, sha256_text(text) == sha)
        for pk, text, sha in FormSnapshot.objects.values_list("pk", "raw_text", "sha256")
    }
    rows = Decision.objects.order_by("sequence").values("id", "hash", *HASHED_FIELDS)
    for row in rows.iterator(chunk_size=500):
        sha, intact = snapshots.get(row["snapshot_id"], ("", False))
        row["snapshot_ok"] = intact and sha == row["raw_sha256"]
        yield row


def audit_chain_verify() -> ChainReport:
    """Walk every record in order: sequence, links, hashes, the snapshots they name, and the chain head."""
    head = ChainHead.objects.filter(pk=1).first()
    return walk(
        _chain_rows(),
        head_length=head.length if head else None,
        head_hash=head.last_hash if head else None,
    )
