"""The audit chain as pure functions: how a decision record is serialised and hashed, and how a chain is checked.

Each record's hash is sha256 over a canonical JSON text of its fields plus the previous record's hash, so editing,
removing or reordering any record breaks every link after it. The serialisation is versioned (``depot-audit-v1``)
so that a later format can be introduced without re-hashing history.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.core.text import text_clean

GENESIS = "0" * 64
FORMAT = "depot-audit-v1"

# The fields of a Decision that the hash covers, in the order they are documented (the JSON is key-sorted anyway).
HASHED_FIELDS = (
    "sequence",
    "created_at",
    "decided_by_id",
    "decided_by_username",
    "decided_by_role",
    "client_address",
    "kind",
    "snapshot_id",
    "sub_app_version",
    "raw_sha256",
    "sanitised_sha256",
    "file_names",
    "status",
    "comments",
    "posted_values",
    "upstream_status_code",
    "upstream_status_message",
    "posted_ok",
    "prev_hash",
)


def json_clean(value: Any) -> Any:
    """A JSON value with :func:`text_clean` applied to every string (keys included)."""
    if isinstance(value, str):
        return text_clean(value)
    if isinstance(value, dict):
        return {text_clean(str(key)): json_clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_clean(item) for item in value]
    return value


def canonical_json(value: Any) -> str:
    """One text per value: keys sorted, no spaces, ASCII only (so the bytes never depend on an encoder's mood)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def sha256_text(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_json(value: Any) -> str:
    """Hex sha256 of a value's canonical JSON."""
    return sha256_text(canonical_json(value))


def timestamp(value: dt.datetime) -> str:
    """A UTC timestamp with microseconds, as hashed (databases keep microseconds, so it survives a round trip)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_payload(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed form of a record from its field values (datetimes as UTC text)."""
    payload: dict[str, Any] = {"format": FORMAT}
    for name in HASHED_FIELDS:
        value = fields[name]
        payload[name] = timestamp(value) if isinstance(value, dt.datetime) else value
    return payload


def record_hash(fields: Mapping[str, Any]) -> str:
    """The hash of one record (its ``prev_hash`` is part of ``fields``)."""
    return sha256_json(record_payload(fields))


@dataclass(frozen=True)
class ChainProblem:
    """The first record that does not fit, and why."""

    sequence: int | None
    record_id: int | None
    reason: str

    def describe(self) -> str:
        """One line naming the record and the reason."""
        where = f"record #{self.sequence} (id {self.record_id})" if self.record_id is not None else "the chain head"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """The result of walking the chain: how many records fit, and the first problem (None when all fit)."""

    checked: int
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        """Whether every record fits."""
        return self.problem is None


def walk(records: Iterable[Mapping[str, Any]], *, head_length: int | None, head_hash: str | None) -> ChainReport:
    """Check records given in sequence order (each a mapping with ``id``, ``hash`` and the hashed fields).

    ``head_length``/``head_hash`` are what the chain head row says the chain holds (None when there is no head
    row); they catch records removed from the end, which the links alone cannot show.
    """
    expected_prev, count = GENESIS, 0
    for fields in records:
        count += 1
        seq, rid = fields["sequence"], fields["id"]
        problem = None
        if seq != count:
            problem = f"sequence {seq} where {count} was expected (a record before it was removed or inserted)"
        elif fields["prev_hash"] != expected_prev:
            problem = "its prev_hash does not match the hash of the record before it"
        elif record_hash(fields) != fields["hash"]:
            problem = "its content does not match its hash (the record was changed)"
        elif fields.get("snapshot_ok") is False:
            problem = "the form snapshot it names no longer has the content hash it recorded"
        if problem:
            return ChainReport(count - 1, expected_prev, ChainProblem(seq, rid, problem))
        expected_prev = fields["hash"]
    if head_length is None:
        if count:
            return ChainReport(count, expected_prev, ChainProblem(None, None, "the chain head row is missing"))
    elif head_length != count or head_hash != expected_prev:
        reason = f"it says {head_length} records ending in {str(head_hash)[:12]}…, the table holds {count}"
        if head_length > count:
            reason += " (records were removed from the end)"
        return ChainReport(count, expected_prev, ChainProblem(None, None, reason))
    return ChainReport(count, expected_prev, None)
