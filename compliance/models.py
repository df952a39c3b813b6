"""Form snapshots (what the upstream delivered) and decisions (append-only, hash-chained audit records)."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from compliance.chain import HASHED_FIELDS
from compliance.choices import DecisionStatus, FormKind


class FormSnapshot(models.Model):
    """One distinct version of a form as GET compliance/k9 or compliance/eula delivered it, kept whole.

    A row per distinct (kind, sha256 of the raw answer); ``last_seen_at`` moves when the same content comes again,
    so the current form of a kind is the one seen most recently. The content columns never change.
    """

    kind = models.CharField(max_length=8, choices=FormKind.choices)
    sha256 = models.CharField(max_length=64, help_text="sha256 of raw_text")
    # Text, not a JSON column: the hashed bytes are the stored bytes (no jsonb reordering), and a NUL character
    # in the upstream's content (escaped as \u0000 by the canonical JSON) is kept instead of refused.
    raw_text = models.TextField(help_text="The whole answer of the GET as canonical JSON, exactly as delivered")
    sub_app_version = models.CharField(max_length=64, blank=True)
    web_form = models.CharField(max_length=2048, blank=True)
    user_details = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField(help_text="When this content was first fetched")
    last_seen_at = models.DateTimeField(help_text="When this content was last fetched")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="compliance_snapshot_kind_sha256")]
        indexes = [models.Index(fields=["kind", "-last_seen_at"], name="compliance_snapshot_current")]
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} v{self.sub_app_version or '?'} ({self.sha256[:12]})"

    @cached_property
    def raw(self) -> dict[str, Any]:
        """The whole answer as delivered, parsed."""
        value = json.loads(self.raw_text) if self.raw_text else {}
        return value if isinstance(value, dict) else {}

    @property
    def content(self) -> dict[str, Any]:
        """``k9Content`` or ``eulaContent`` of the raw answer ({} when missing or not an object)."""
        value = self.raw.get("k9Content" if self.kind == FormKind.K9 else "eulaContent")
        return value if isinstance(value, dict) else {}


class AppendOnlyError(Exception):
    """Someone tried to change or remove an audit record."""


class DecisionQuerySet(models.QuerySet):
    """Decisions can be read and appended (by compliance.services), never updated or deleted in bulk."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Compliance decisions are append-only: they cannot be updated.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Compliance decisions are append-only: they cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Compliance decisions are append-only: they cannot be updated.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Decisions are appended one at a time to the chain (compliance.services).")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Compliance decisions are append-only: they cannot be updated.")


class Decision(models.Model):
    """An officer's answer to a form, what was POSTed upstream and what it said; chained to the record before.

    Append-only: save() inserts once and refuses afterwards, delete() refuses, the queryset refuses update and
    delete, the admin is read-only, and database triggers refuse UPDATE and DELETE (migration 0002).
    ``posted_ok`` False marks an attempt the upstream refused or never received: it is kept for the audit but
    is never treated as a decision.
    """

    sequence = models.PositiveBigIntegerField(unique=True, editable=False)
    created_at = models.DateTimeField(editable=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by_username = models.CharField(max_length=150)
    decided_by_role = models.CharField(max_length=100)
    client_address = models.CharField(max_length=64, blank=True, help_text="REMOTE_ADDR of the request")
    kind = models.CharField(max_length=8, choices=FormKind.choices)
    snapshot = models.ForeignKey(FormSnapshot, on_delete=models.PROTECT, related_name="decisions")
    sub_app_version = models.CharField(max_length=64, blank=True)
    raw_sha256 = models.CharField(max_length=64)
    sanitised_sha256 = models.CharField(max_length=64)
    file_names = models.CharField(max_length=2048, blank=True)
    status = models.CharField(max_length=10, choices=DecisionStatus.choices)
    comments = models.TextField(blank=True)
    posted_values = models.JSONField(help_text="The body POSTed upstream, field by field")
    upstream_status_code = models.CharField(max_length=128, blank=True)
    upstream_status_message = models.TextField(blank=True)
    posted_ok = models.BooleanField(help_text="The upstream accepted the POST (statusCode 0)")
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["kind", "posted_ok", "-sequence"], name="compliance_decision_latest")]
        permissions = [
            ("decide_form", "Can accept or decline the K9 and EULA forms"),
            ("view_audit", "Can read the compliance audit trail"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind} {self.status} by {self.decided_by_username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Compliance decisions are append-only: a saved record cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Compliance decisions are append-only: they cannot be deleted.")

    def hashed_fields(self) -> dict[str, Any]:
        """The values the chain hash covers."""
        return {name: getattr(self, name) for name in HASHED_FIELDS}


class ChainHead(models.Model):
    """The single row that serialises appends (locked with SELECT ... FOR UPDATE) and remembers the chain's end.

    Its length and last hash show records removed from the end of the chain, which links alone cannot.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.length} records, last {self.last_hash[:12]}"
