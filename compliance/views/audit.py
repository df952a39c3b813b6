"""The audit trail: filtered, paginated, verifiable on request, exportable as CSV."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from compliance.chain import timestamp
from compliance.filters import DecisionFilter
from compliance.models import ChainHead, Decision
from compliance.selectors import audit_chain_verify
from portal.core.streaming import csv_stream

AUDIT = "compliance.view_audit"
PAGE_SIZE = 50
CSV_COLUMNS = (
    "sequence",
    "created_at",
    "decided_by_username",
    "decided_by_role",
    "client_address",
    "kind",
    "sub_app_version",
    "status",
    "comments",
    "file_names",
    "posted_ok",
    "upstream_status_code",
    "upstream_status_message",
    "raw_sha256",
    "sanitised_sha256",
    "posted_values",
    "snapshot_id",
    "prev_hash",
    "hash",
)


@require_GET
@permission_required(AUDIT, raise_exception=True)
def audit(request: HttpRequest) -> HttpResponse:
    """Every decision and attempt, newest first, with filters; ``?verify=1`` walks the whole chain."""
    filterset = DecisionFilter(request.GET or None, queryset=Decision.objects.all())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "head": ChainHead.objects.filter(pk=1).first(),
        "report": audit_chain_verify() if request.GET.get("verify") else None,
    }
    return render(request, "compliance/audit.html", context)


@require_GET
@permission_required(AUDIT, raise_exception=True)
def audit_record(request: HttpRequest, sequence: int) -> HttpResponse:
    """One record in full: every field that the hash covers, and the snapshot that was shown."""
    record = get_object_or_404(Decision.objects.select_related("snapshot"), sequence=sequence)
    posted = json.dumps(record.posted_values, indent=2, sort_keys=True)
    return render(request, "compliance/audit_record.html", {"record": record, "posted": posted})


def _cell(value: object) -> str:
    # Upstream and officer text must not run as a spreadsheet formula when the file is opened (csv_lines guards).
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else str(value)


def _rows(records: Iterator[Decision]) -> Iterator[list[str]]:
    yield list(CSV_COLUMNS)
    for record in records:
        values = [getattr(record, name) for name in CSV_COLUMNS]
        values[CSV_COLUMNS.index("created_at")] = timestamp(record.created_at)
        yield [_cell(value) for value in values]


@require_GET
@permission_required(AUDIT, raise_exception=True)
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered trail as CSV (every column the hash covers; cells that look like formulas get a leading ')."""
    records = DecisionFilter(request.GET or None, queryset=Decision.objects.all()).qs.iterator(chunk_size=500)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return csv_stream(_rows(records), f"depot-compliance-audit-{stamp}.csv")
