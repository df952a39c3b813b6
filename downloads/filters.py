"""Filters of the downloads API's lists: jobs and stored images (several values of a parameter are OR-ed)."""

from __future__ import annotations

from django.db.models import QuerySet

from downloads.choices import ComplianceNeed, JobSource, JobState, StoredImageStatus
from downloads.models import DownloadJob, StoredImage
from portal.core.api.filters import (
    MultiValueCharFilter,
    MultiValueChoiceFilter,
    MultiValueIntegerFilter,
    StrictFilterSet,
)


class JobFilter(StrictFilterSet):
    """Jobs by id, state, PID (any case), image name (a part of it), the form they wait for, source, requester."""

    id = MultiValueIntegerFilter(field_name="id", label="Job id")
    state = MultiValueChoiceFilter(choices=JobState.choices, label="State")
    pid = MultiValueCharFilter(field_name="pid", lookup_expr="iexact", label="PID (any case)")
    image_name = MultiValueCharFilter(field_name="image_name", lookup_expr="icontains", label="Part of the image name")
    waiting_for = MultiValueChoiceFilter(choices=ComplianceNeed.choices, label="The form(s) the job waits for")
    source = MultiValueChoiceFilter(choices=JobSource.choices, label="Where the request came from")
    requested_by = MultiValueCharFilter(field_name="requested_by__username", label="User name of the requester")

    class Meta:
        model = DownloadJob
        fields = ["id", "state", "pid", "image_name", "waiting_for", "source", "requested_by"]


class StoredImageFilter(StrictFilterSet):
    """Stored images by id, name (a part of it), PID (any case), checksum (any case), last check."""

    id = MultiValueIntegerFilter(field_name="id", label="Stored image id")
    name = MultiValueCharFilter(field_name="name", lookup_expr="icontains", label="Part of the file name")
    pid = MultiValueCharFilter(field_name="pid", lookup_expr="iexact", label="PID (any case)")
    sha512 = MultiValueCharFilter(method="by_checksum", label="sha512 (hex)")
    md5 = MultiValueCharFilter(method="by_checksum", label="md5 (hex)")
    check_status = MultiValueChoiceFilter(choices=StoredImageStatus.choices, label="Outcome of the last check")

    class Meta:
        model = StoredImage
        fields = ["id", "name", "pid", "sha512", "md5", "check_status"]

    def by_checksum(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        """Checksums are stored as lower-case hex; any case finds them."""
        return queryset.filter(**{f"{name}__in": [checksum.lower() for checksum in value]})
