"""Filters of the audit trail, shared by the page, its CSV export and the API."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from compliance.choices import DecisionStatus, FormKind
from compliance.models import Decision


class DecisionFilter(django_filters.FilterSet):
    """kind, status, posted, who, version and a date range (inclusive days, UTC)."""

    kind = django_filters.ChoiceFilter(choices=FormKind.choices)
    status = django_filters.ChoiceFilter(choices=DecisionStatus.choices)
    posted = django_filters.BooleanFilter(field_name="posted_ok", label="Posted upstream")
    user = django_filters.CharFilter(field_name="decided_by_username", lookup_expr="icontains", label="Decided by")
    version = django_filters.CharFilter(field_name="sub_app_version", label="subAppVersion")
    since = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label="From (UTC)")
    until = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label="Until (UTC)")

    class Meta:
        model = Decision
        fields: list[str] = []

    @property
    def qs(self) -> QuerySet:
        return super().qs.order_by("-sequence")
