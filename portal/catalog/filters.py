"""Filters of the catalog API's lists (several values of a parameter are OR-ed; see portal/core/api/filters.py)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from portal.catalog.choices import RefreshState, RefreshTrigger
from portal.catalog.models import CatalogRefresh, Image, ImageFamily, Product, Release, StandardRelease
from portal.cisco.versionkey import release_sort_key
from portal.core.api.filters import (
    MultiValueCharFilter,
    MultiValueChoiceFilter,
    MultiValueIntegerFilter,
    MultiValueReleaseFilter,
    ReleaseFilter,
    StrictBooleanFilter,
    StrictFilterSet,
)
from portal.inventory.models import Device


def _both_cases(values: list[str]) -> list[str]:
    return list(dict.fromkeys([*values, *(value.upper() for value in values)]))


class ProductFilter(StrictFilterSet):
    """Products by PID, or a text in the PID or Cisco's name of the series."""

    q = django_filters.CharFilter(method="search", label="Part of the PID or of the series name")
    pid = MultiValueCharFilter(method="by_pid", label="PID (as typed or in capitals)")

    class Meta:
        model = Product
        fields = ["q", "pid"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(pid__icontains=value) | Q(mdf_concept_name__icontains=value)) if value else queryset

    def by_pid(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(pid__in=_both_cases(value))


class ProductReleaseFilter(StrictFilterSet):
    """A product's releases (the release browser): above a version, suggested only, by software type."""

    above = ReleaseFilter(method="by_above", label="Only releases above this version (any spelling Cisco uses)")
    suggested = StrictBooleanFilter(field_name="is_suggested", label="Only suggested (true) or not suggested (false)")
    software_type = MultiValueIntegerFilter(field_name="software_type_id", label="Software type (its id)")

    class Meta:
        model = Release
        fields = ["above", "suggested", "software_type"]

    def by_above(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(sort_key__gt=release_sort_key(value))


class ReleaseFilterSet(ProductReleaseFilter):
    """Releases by id, PID, version (any spelling), flags, software type, above a version."""

    id = MultiValueIntegerFilter(field_name="id", label="Release id")
    pid = MultiValueCharFilter(method="by_pid", label="PID (as typed or in capitals)")
    version = MultiValueReleaseFilter(method="by_version", label="Version (any spelling Cisco uses, e.g. 17.09.04a)")
    deferred = StrictBooleanFilter(field_name="is_deferred", label="Deferred (true) or not (false)")
    deleted = StrictBooleanFilter(field_name="is_deleted", label="Deleted upstream (true) or not (false)")
    psirt = StrictBooleanFilter(field_name="psirt", label="PSIRT-flagged (true) or not (false)")

    class Meta:
        model = Release
        fields = ["id", "pid", "version", "above", "suggested", "deferred", "deleted", "psirt", "software_type"]

    def by_pid(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(product__pid__in=_both_cases(value))

    def by_version(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Equivalent spellings share their Cisco order key (17.09.04a is 17.9.4a)."""
        return queryset.filter(sort_key__in=[release_sort_key(version) for version in value])


class DeviceReleaseFilter(StrictFilterSet):
    """A device's releases: above its current release unless ``all``; only suggested ones with ``suggested``."""

    all = StrictBooleanFilter(method="include_all", label="Include releases at or below the current one")
    suggested = StrictBooleanFilter(field_name="is_suggested", label="Only suggested (true) or not suggested (false)")

    class Meta:
        model = Release
        fields = ["all", "suggested"]

    def __init__(self, *args: Any, device: Device | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if self.device is not None and self.device.release_key and not self.form.cleaned_data.get("all"):
            queryset = queryset.filter(sort_key__gt=self.device.release_key)
        return queryset

    def include_all(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset  # read in filter_queryset: it lifts the device's own bound


class ImageFilter(StrictFilterSet):
    """Catalog images by id, name, GUID, PID or release."""

    id = MultiValueIntegerFilter(field_name="id", label="Image id")
    name = MultiValueCharFilter(field_name="name", label="File name")
    guid = MultiValueCharFilter(field_name="guid", label="GUID")
    pid = MultiValueCharFilter(method="by_pid", label="PID (as typed or in capitals)")
    release = MultiValueIntegerFilter(field_name="release_id", label="Release id")

    class Meta:
        model = Image
        fields = ["id", "name", "guid", "pid", "release"]

    def by_pid(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(release__product__pid__in=_both_cases(value))


class StandardFilter(StrictFilterSet):
    """Standard releases by id, PID, image family, site, role or release."""

    id = MultiValueIntegerFilter(field_name="id", label="Standard id")
    pid = MultiValueCharFilter(method="by_pid", label="PID (as typed or in capitals)")
    family = MultiValueCharFilter(field_name="family__key", label="Image family (its key, e.g. cat9k_iosxe)")
    site = MultiValueCharFilter(field_name="site", label="Site (empty: every site)")
    role = MultiValueCharFilter(field_name="role", label="Role (empty: every role)")
    release = MultiValueIntegerFilter(field_name="release_id", label="Release id")

    class Meta:
        model = StandardRelease
        fields = ["id", "pid", "family", "site", "role", "release"]

    def by_pid(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(product__pid__in=_both_cases(value))


class ImageFamilyFilter(StrictFilterSet):
    """Image families by key, or by a PID they hold."""

    key = MultiValueCharFilter(field_name="key", label="Key (the image file name stem, e.g. cat9k_iosxe)")
    pid = MultiValueCharFilter(method="by_pid", label="A PID of the family (as typed or in capitals)")

    class Meta:
        model = ImageFamily
        fields = ["key", "pid"]

    def by_pid(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(products__pid__in=_both_cases(value)).distinct()


class RefreshFilter(StrictFilterSet):
    """Catalog refreshes by id, state and what started them."""

    id = MultiValueIntegerFilter(field_name="id", label="Refresh id")
    state = MultiValueChoiceFilter(choices=RefreshState.choices, label="State")
    trigger = MultiValueChoiceFilter(choices=RefreshTrigger.choices, label="What started it")

    class Meta:
        model = CatalogRefresh
        fields = ["id", "state", "trigger"]
