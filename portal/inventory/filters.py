"""The device list's filters, shared by the page and the API (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import F, OrderBy, QuerySet

from portal.catalog.choices import Fit, FleetStatus
from portal.catalog.selectors import fit_q, status_q
from portal.cisco.versionkey import release_sort_key
from portal.inventory.choices import OsFamily
from portal.inventory.models import Device

SORTS = (
    ("hostname", "hostname"),
    ("pid", "pid"),
    ("release_key", "current_release"),
    ("site", "site"),
    ("role", "role"),
    ("os_family", "os_family"),
    ("updated", "updated"),
    ("recommendation__target_key", "target"),
)
SORT_LABELS = {"hostname": "Hostname", "pid": "PID", "current_release": "Release", "site": "Site", "role": "Role",
               "os_family": "OS family", "target": "Target"}  # fmt: skip
# Keys that may be NULL (no recommendation or no target): last whichever the direction.
_NULLS_LAST = {"recommendation__target_key"}


class HostnameTieBreakOrdering(django_filters.OrderingFilter):
    """Sorting with hostname as the last key, so pages never overlap and the (column, hostname) indexes apply."""

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        fields = [self.get_ordering_value(v) for v in (value or []) if v]
        if not fields:
            return qs.order_by("hostname")
        keys = [_order_by(field) for field in fields]
        if fields[-1].lstrip("-") == "hostname":
            return qs.order_by(*keys)
        # Same direction as the last key, so the (column, hostname) index can be read backwards for "-column".
        return qs.order_by(*keys, "-hostname" if fields[-1].startswith("-") else "hostname")


def _order_by(field: str) -> str | OrderBy:
    """An ordering field as order_by takes it; the target's Cisco order key with devices without one last."""
    name = field.lstrip("-")
    if name not in _NULLS_LAST:
        return field
    return F(name).desc(nulls_last=True) if field.startswith("-") else F(name).asc(nulls_last=True)


class DeviceFilter(django_filters.FilterSet):
    """Search, facets and sorting of devices."""

    q = django_filters.CharFilter(method="search", label="Search")
    # Exact matches (PIDs also in capitals): they use the (column, hostname) indexes, where iexact would make
    # SQLite compare UPPER() of every row.
    pid = django_filters.CharFilter(method="by_pid", label="PID")
    serial = django_filters.CharFilter(method="by_serial", label="Serial number")
    os_family = django_filters.ChoiceFilter(choices=OsFamily.choices, label="OS family")
    site = django_filters.CharFilter(field_name="site", lookup_expr="exact")
    role = django_filters.CharFilter(field_name="role", lookup_expr="exact")
    tag = django_filters.CharFilter(field_name="tags__name", lookup_expr="iexact", label="Tag")
    release = django_filters.CharFilter(method="by_release", label="Release")
    status = django_filters.ChoiceFilter(choices=FleetStatus.choices, method="by_status", label="Status")
    fit = django_filters.ChoiceFilter(
        choices=Fit.choices, field_name="recommendation__fit", label="Target fit", method="by_fit"
    )
    ordering = HostnameTieBreakOrdering(fields=SORTS, label="Sort")

    class Meta:
        model = Device
        fields = ["q", "pid", "serial", "os_family", "site", "role", "tag", "release", "status", "fit"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Hostnames containing the text. Only the hostname: its index holds every hostname in order, so the
        search reads the index alone; one more column would fetch every table row (serial, PID, site, role and
        tag have their own filters)."""
        value = value.strip()
        return queryset.filter(hostname__icontains=value) if value else queryset

    def by_pid(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A PID as typed or in capitals (Cisco writes them in capitals)."""
        value = value.strip()
        return queryset.filter(pid__in={value, value.upper()}) if value else queryset

    def by_serial(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A serial number as typed or in capitals."""
        value = value.strip()
        return queryset.filter(serial__in={value, value.upper()}) if value else queryset

    def by_release(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A release in any equivalent spelling (17.09.04a finds 17.9.4a): compared by its Cisco order key, which
        equivalent spellings share, on the (release_key, hostname) index."""
        value = value.strip()
        return queryset.filter(release_key=release_sort_key(value)) if value else queryset

    def by_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A dashboard bucket."""
        return queryset.filter(status_q(value)) if value else queryset

    def by_fit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Whether the target image fits the device's memory and flash (devices not computed yet: unknown)."""
        return queryset.filter(fit_q(value)) if value else queryset
