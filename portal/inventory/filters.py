"""The device list's filters, shared by the page and the API (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet

from portal.catalog.choices import Fit, FleetStatus
from portal.catalog.selectors import fit_q, status_q
from portal.cisco.versionkey import release_sort_key
from portal.core.api.filters import (
    MultiValueCharFilter,
    MultiValueChoiceFilter,
    MultiValueReleaseFilter,
    StrictFilterSet,
    StrictOrderingFilter,
)
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


class HostnameTieBreakOrdering(StrictOrderingFilter):
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


def _both_cases(values: list[str]) -> list[str]:
    return list(dict.fromkeys([*values, *(value.upper() for value in values)]))


class DeviceFilter(StrictFilterSet):
    """Search, facets and sorting of devices. Every facet takes several values, OR-ed (``?site=A&site=B``)."""

    q = django_filters.CharFilter(method="search", label="Search")
    # Exact matches (PIDs also in capitals): they use the (column, hostname) indexes, where iexact would make
    # SQLite compare UPPER() of every row.
    pid = MultiValueCharFilter(method="by_pid", label="PID")
    serial = MultiValueCharFilter(method="by_serial", label="Serial number")
    os_family = MultiValueChoiceFilter(choices=OsFamily.choices, label="OS family")
    site = MultiValueCharFilter(field_name="site", label="Site")
    role = MultiValueCharFilter(field_name="role", label="Role")
    tag = MultiValueCharFilter(method="by_tag", label="Tag (any case)")
    release = MultiValueReleaseFilter(method="by_release", label="Release (any spelling Cisco uses, e.g. 17.09.04a)")
    status = MultiValueChoiceFilter(choices=FleetStatus.choices, method="by_status", label="Status")
    fit = MultiValueChoiceFilter(choices=Fit.choices, method="by_fit", label="Target fit")
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

    def by_pid(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """PIDs as typed or in capitals (Cisco writes them in capitals)."""
        return queryset.filter(pid__in=_both_cases(value))

    def by_serial(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Serial numbers as typed or in capitals."""
        return queryset.filter(serial__in=_both_cases(value))

    def by_tag(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Devices with any of the tags (any case); a subquery, so a device with two of them is listed once."""
        names = Q()
        for tag in value:
            names |= Q(tag__name__iexact=tag)
        tagged = Device.tags.through.objects.filter(names, device_id=OuterRef("pk"))
        return queryset.filter(Exists(tagged))

    def by_release(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Releases in any equivalent spelling (17.09.04a finds 17.9.4a): compared by their Cisco order key, which
        equivalent spellings share, on the (release_key, hostname) index."""
        return queryset.filter(release_key__in=[release_sort_key(release) for release in value])

    def by_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Dashboard buckets."""
        buckets = Q()
        for status in value:
            buckets |= status_q(status)
        return queryset.filter(buckets)

    def by_fit(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Whether the target image fits the device's memory and flash (devices not computed yet: unknown)."""
        fits = Q()
        for fit in value:
            fits |= fit_q(fit)
        return queryset.filter(fits)
