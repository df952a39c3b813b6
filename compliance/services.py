"""Everything that changes compliance state: snapshots of the forms, decisions (posted, then appended to the
audit chain) and the downloads they resume or block."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from compliance.chain import GENESIS, canonical_json, json_clean, record_hash, sha256_text
from compliance.choices import FORMS_FOR_NEED, DecisionStatus, FormKind
from compliance.decisions import DecisionInput, comments_clean, posted_values
from compliance.errors import AuditChainBroken, DecisionNotPosted, FormOutdated, FormUnavailable, InvalidDecision
from compliance.models import ChainHead, Decision, FormSnapshot
from compliance.rendering import render_snapshot
from compliance.selectors import decision_latest, form_snapshot_current
from compliance.signals import form_decided
from downloads import services as download_services
from downloads.choices import JobState
from downloads.models import DownloadJob
from portal.accounts.access import user_roles
from portal.accounts.roles import ADMINISTRATORS, OFFICERS
from portal.cisco.exceptions import AsdError, UpstreamUnavailable
from portal.cisco.provider import get_client
from portal.core.sanitise import upstream_str
from portal.core.signals import send_on_commit
from portal.core.text import REPLACEMENT, fields_clean, text_clean

__all__ = [
    "DecisionOutcome",
    "decision_append",
    "decision_submit",
    "download_job_hold_check",
    "form_snapshot_fetch",
    "form_snapshot_store",
    "form_snapshots_refresh",
]

logger = logging.getLogger(__name__)


# --- snapshots ----------------------------------------------------------------------------------------------------


def form_snapshot_store(
    *, kind: str, raw: dict[str, Any], sub_app_version: str, web_form: str, user_details: Any = None
) -> FormSnapshot:
    """Keep one row per distinct content of a form: a new row for new content, else move ``last_seen_at``."""
    kind = FormKind(kind)
    raw_text = canonical_json(raw)
    digest = sha256_text(raw_text)
    now = timezone.now()
    existing = FormSnapshot.objects.filter(kind=kind, sha256=digest).first()
    if existing is None:
        try:
            with transaction.atomic():
                return FormSnapshot.objects.create(
                    kind=kind,
                    sha256=digest,
                    raw_text=raw_text,
                    sub_app_version=text_clean(sub_app_version)[:64],
                    web_form=text_clean(web_form)[:2048],
                    user_details=json_clean(user_details) if isinstance(user_details, dict) else {},
                    fetched_at=now,
                    last_seen_at=now,
                )
        except IntegrityError:  # another process stored the same content a moment ago
            existing = FormSnapshot.objects.get(kind=kind, sha256=digest)
    # Only last_seen_at moves (a queryset update: the content columns are guarded by a trigger).
    FormSnapshot.objects.filter(pk=existing.pk).update(last_seen_at=now)
    existing.last_seen_at = now
    return existing


def form_snapshot_fetch(*, kind: str) -> FormSnapshot:
    """GET compliance/k9 or compliance/eula and keep what came as a snapshot; FormUnavailable when it failed."""
    client = get_client()
    try:
        form = client.k9_form() if kind == FormKind.K9 else client.eula_form()
    except AsdError as exc:
        said = _visible(str(exc))
        raise FormUnavailable(f"Cisco's {FormKind(kind).label} form could not be fetched: {said}") from None
    if form.status_code not in ("", "0"):
        said = _visible(f"{form.status_code} {form.status_message}".strip())
        raise FormUnavailable(f"Cisco did not deliver the form: {said}")
    raw = dict(form.raw)
    return form_snapshot_store(
        kind=kind,
        raw=raw,
        sub_app_version=form.sub_app_version,
        web_form=form.web_form,
        user_details=raw.get("userDetails"),
    )


def form_snapshots_refresh(*, kinds: tuple[str, ...] = (FormKind.K9, FormKind.EULA)) -> dict[str, str]:
    """Fetch each form; returns kind -> "v<version> <sha256[:12]>" or the error, for logs and the task result."""
    results = {}
    for kind in kinds:
        try:
            snapshot = form_snapshot_fetch(kind=kind)
            results[kind] = f"v{snapshot.sub_app_version} {snapshot.sha256[:12]}"
        except FormUnavailable as exc:
            logger.warning("compliance: %s", exc.message)
            results[kind] = exc.message
    return results


# --- decisions ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionOutcome:
    """A posted decision and how many download jobs it resumed (accepted) or blocked (declined); None: updating
    them failed (it is logged)."""

    decision: Decision
    jobs_affected: int | None


def decider_role(user: AbstractBaseUser) -> str:
    """The role a decision is recorded under (officer first: it is the role that answers for it)."""
    roles = user_roles(user)
    for role in (OFFICERS, ADMINISTRATORS):
        if role in roles:
            return role
    if getattr(user, "is_superuser", False):
        return "Superuser"
    return ", ".join(roles) or "Direct permission"


def client_address_clean(value: str | None) -> str:
    """REMOTE_ADDR as a normalised IP address (kept as given, shortened, when it is not one)."""
    text = (value or "").strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text[:64]


def _chain_state() -> tuple[int, str]:
    """(length, last hash) of the records themselves."""
    last = Decision.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return last if last else (0, GENESIS)


def _chain_check(head: ChainHead | None) -> None:
    expected = (head.length, head.last_hash) if head else (0, GENESIS)
    if _chain_state() != expected:
        raise AuditChainBroken(
            "The audit trail does not end where its head says it does; nothing is posted or recorded until "
            "`manage.py verify_audit` has been run and the cause found."
        )


def decision_append(**fields: Any) -> Decision:
    """Append one record to the chain as given (decision_submit is its caller, once the upstream has answered), and
    announce it with ``form_decided`` once it is committed.

    Appends are serialised by the head row's lock (and prev_hash is unique, so a fork cannot be stored).
    """
    # Upstream text may hold NUL characters, which PostgreSQL refuses: cleaned before hashing, so what is hashed is
    # what is stored.
    fields = fields_clean(fields)
    fields["posted_values"] = json_clean(fields.get("posted_values", {}))
    with transaction.atomic():
        ChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
        head = ChainHead.objects.select_for_update().get(pk=1)
        _chain_check(head)
        record = Decision(sequence=head.length + 1, created_at=timezone.now(), prev_hash=head.last_hash, **fields)
        record.hash = record_hash(record.hashed_fields())
        record.save()
        ChainHead.objects.filter(pk=1).update(length=record.sequence, last_hash=record.hash)
        send_on_commit(form_decided, sender=Decision, decision_id=record.pk)
    return record


def _post_upstream(kind: str, values: dict[str, str]) -> tuple[bool, str, str, bool]:
    """POST the decision; (posted_ok, statusCode, statusMessage, unavailable). Never raises for upstream faults."""
    client = get_client()
    common = {
        "status": values["status"],
        "decline_comments": values.get("declineComments", ""),
        "file_names": values.get("fileNames", ""),
    }
    try:
        if kind == FormKind.K9:
            result = client.k9_submit(
                confirm=values["confirm"],
                bus_function=values["busFunction"],
                gov_mil_countries=values["govMilCountries"],
                **common,
            )
        else:
            result = client.eula_submit(**common)
    except UpstreamUnavailable as exc:
        return False, _visible(exc.code or "UNAVAILABLE"), _visible(str(exc)), True
    except AsdError as exc:
        code = exc.code or (f"HTTP {exc.http_status}" if exc.http_status else type(exc).__name__)
        return False, _visible(code), _visible(str(exc)), False
    return result.ok, _visible(result.status_code), _visible(result.status_message), False


def _visible(text: str) -> str:
    # What Cisco answered goes into the audit record as said, but a control character (NUL, an escape, a bidi
    # override) is kept visibly as U+FFFD: it would hide or reorder text on every page and export that shows it.
    return upstream_str(text, replacement=REPLACEMENT)


def _current_snapshot(data: DecisionInput) -> FormSnapshot:
    snapshot = FormSnapshot.objects.filter(pk=data.snapshot_id, kind=data.kind).first()
    if snapshot is None:
        raise InvalidDecision("That form snapshot does not exist.", fields={"snapshot": ["Unknown snapshot."]})
    current = form_snapshot_current(data.kind)
    if current is None or current.pk != snapshot.pk:
        version = current.sub_app_version if current else "?"
        raise FormOutdated(
            f"The form you answered (version {snapshot.sub_app_version}) is not the current one (version {version}). "
            "Review the current form and decide again."
        )
    return snapshot


def decision_submit(
    *, data: DecisionInput, decided_by: AbstractBaseUser, client_address: str | None
) -> DecisionOutcome:
    """Check the answer against the form shown, confirm the form is still Cisco's current one, POST it upstream,
    append the record, then resume (accept) the download jobs the form holds or block them by compliance
    (decline).

    Raises InvalidDecision / FormOutdated / FormUnavailable (nothing posted, nothing recorded), AuditChainBroken
    (nothing posted), or DecisionNotPosted (the upstream refused or was down: the attempt is recorded with
    posted_ok=False and changes nothing else).
    """
    snapshot = _current_snapshot(data)
    rendered = render_snapshot(snapshot)
    if data.shown_sha256 and data.shown_sha256 != rendered.sanitised_sha256:
        raise FormOutdated("The form shown to you differs from the stored one. Reload the form and decide again.")
    values = posted_values(rendered, data)
    _chain_check(ChainHead.objects.filter(pk=1).first())
    # Cisco may have published a new version since the snapshot: never post an answer to a form nobody saw.
    fresh = form_snapshot_fetch(kind=data.kind)
    if fresh.pk != snapshot.pk:
        raise FormOutdated(
            f"Cisco's form changed while you were reading it (now version {fresh.sub_app_version}). "
            "Review the new form and decide again."
        )
    posted_ok, code, message, unavailable = _post_upstream(data.kind, values)
    try:
        decision = _record(data, decided_by, client_address, snapshot, rendered.sanitised_sha256, values,
                           (posted_ok, code, message))  # fmt: skip
    except Exception:
        # Cisco has the answer but Depot could not keep it: say so loudly, with what an auditor would need.
        logger.critical(
            "compliance: %s %s by %s was answered %s %r upstream, but the audit record could not be written",
            data.kind, values["status"], decided_by.get_username(), code, message,
        )  # fmt: skip
        raise
    if not posted_ok:
        what = "could not be reached" if unavailable else "refused the decision"
        raise DecisionNotPosted(
            f"Cisco {what}: {code} {message}".strip() + f". Nothing was accepted or declined (attempt "
            f"#{decision.sequence} is in the audit trail, marked not posted).",
            decision=decision,
            unavailable=unavailable,
        )
    return DecisionOutcome(decision, _waiting_jobs_apply(decision))


def _record(
    data: DecisionInput,
    decided_by: AbstractBaseUser,
    client_address: str | None,
    snapshot: FormSnapshot,
    sanitised_sha256: str,
    values: dict[str, str],
    answer: tuple[bool, str, str],
) -> Decision:
    posted_ok, code, message = answer
    return decision_append(
        decided_by=decided_by,
        decided_by_username=decided_by.get_username(),
        decided_by_role=decider_role(decided_by),
        client_address=client_address_clean(client_address),
        kind=data.kind,
        snapshot_id=snapshot.pk,
        sub_app_version=snapshot.sub_app_version,
        raw_sha256=snapshot.sha256,
        sanitised_sha256=sanitised_sha256,
        file_names=values.get("fileNames", ""),
        status=values["status"],
        comments=comments_clean(data, values["status"]),
        posted_values=values,
        upstream_status_code=code[:128],
        upstream_status_message=message,
        posted_ok=posted_ok,
    )


def _job_reason(decision: Decision) -> str:
    """What a decision did, as the reason of the download jobs it moves (who decided, on which record, why)."""
    label = FormKind(decision.kind).label
    who = f"by {decision.decided_by_username} (record #{decision.sequence})"
    if decision.status == DecisionStatus.ACCEPTED:
        return f"The {label} form was accepted {who}; asking Cisco again."
    return f"The {label} form was declined {who}: {decision.comments}"


def _waiting_jobs_apply(decision: Decision) -> int | None:
    """Resume the jobs the form holds (accepted: waiting or blocked ones), or block by compliance the jobs waiting
    on it (declined); the decision stands whatever happens here."""
    reason = _job_reason(decision)
    try:
        if decision.status == DecisionStatus.ACCEPTED:
            return download_services.download_jobs_resume_waiting(form=decision.kind, reason=reason)
        return download_services.download_jobs_block_by_compliance(form=decision.kind, reason=reason)
    except Exception:  # the record is already kept; a failure here must not hide that, only be seen
        logger.exception("compliance: decision #%s recorded, but waiting downloads were not updated", decision.sequence)
        return None


# --- downloads that start waiting ---------------------------------------------------------------------------------


def download_job_hold_check(*, job_id: int) -> bool:
    """A download that starts waiting on a form whose decision on record (for its current version) is a decline is
    blocked by compliance at once, like the jobs the decline found waiting: the decline stands until an officer
    accepts. True when it was blocked (nothing waits for a first decision then)."""
    waiting = DownloadJob.objects.filter(pk=job_id, state=JobState.AWAITING_COMPLIANCE)
    need = waiting.values_list("waiting_for", flat=True).first() or ""
    for kind in FORMS_FOR_NEED.get(need, ()):
        decision, current = decision_latest(kind), form_snapshot_current(kind)
        if decision is None or current is None or decision.status != DecisionStatus.DECLINED:
            continue
        if decision.sub_app_version == current.sub_app_version:
            return download_services.download_jobs_block_by_compliance(form=kind, reason=_job_reason(decision)) > 0
    return False
