"""Filters of the audit trail (shared by the page, its CSV export and the API) and of the form snapshots."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from compliance.choices import DecisionStatus, FormKind
from compliance.models import Decision, FormSnapshot
from portal.core.api.filters import (
    MultiValueCharFilter,
    MultiValueChoiceFilter,
    StrictBooleanFilter,
    StrictFilterSet,
)


class DecisionFilter(StrictFilterSet):
    """kind, status, posted, who, version and a date range (inclusive days, UTC); several values of one
    parameter are OR-ed."""

    kind = MultiValueChoiceFilter(choices=FormKind.choices, label="Form")
    status = MultiValueChoiceFilter(choices=DecisionStatus.choices, label="Answer")
    posted = StrictBooleanFilter(field_name="posted_ok", label="Posted upstream")
    user = MultiValueCharFilter(field_name="decided_by_username", lookup_expr="icontains", label="Decided by")
    version = MultiValueCharFilter(field_name="sub_app_version", label="subAppVersion")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="From (UTC)")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="Until (UTC)")

    class Meta:
        model = Decision
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet:
        return super().qs.order_by("-sequence")


class SnapshotFilter(StrictFilterSet):
    """Form snapshots by form and subAppVersion."""

    kind = MultiValueChoiceFilter(choices=FormKind.choices, label="Form")
    version = MultiValueCharFilter(field_name="sub_app_version", label="subAppVersion")

    class Meta:
        model = FormSnapshot
        fields: list[str] = []
