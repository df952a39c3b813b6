"""API shapes of jobs, stored images and fleet requests (download URLs and cloud tokens never appear here)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from downloads.choices import SkipReason
from downloads.models import DownloadJob, StoredImage
from portal.core.api.fields import ApiUrlField, DisplayField
from portal.core.api.filters import MAX_VALUES
from portal.core.api.serializers import ModelSerializer
from portal.core.links import portal_url
from portal.inventory.converters import MAX_DEVICE_ID


@extend_schema_serializer(component_name="DownloadJob")
class JobRequestSerializer(serializers.Serializer):
    """POST /downloads/jobs: one image of a PID."""

    pid = serializers.CharField(max_length=100)
    image_name = serializers.CharField(max_length=255, trim_whitespace=False)
    image_guid = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    mdf_id = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="DownloadProgress")
class ProgressSerializer(serializers.Serializer):
    """Bytes done of total, rate in bytes per second, ETA in seconds (saved at most twice a second)."""

    bytes_done = serializers.IntegerField()
    bytes_total = serializers.IntegerField(allow_null=True)
    percent = serializers.IntegerField()
    rate = serializers.FloatField()
    eta_seconds = serializers.IntegerField(allow_null=True)


class _AbsoluteLinks:
    """Links in answers are absolute: under PORTAL_BASE_URL when set, else the request's host."""

    context: dict

    def _absolute(self, path: str) -> str:
        return portal_url(path, self.context.get("request"))


def job_display(job: DownloadJob) -> str:
    """A job's short label: its number and image."""
    return f"#{job.pk} {job.image_name}"


class DownloadJobSerializer(_AbsoluteLinks, ModelSerializer):
    """A job as the API shows it; ``upstream_message`` is the upstream's raw text (it may contain HTML)."""

    url = ApiUrlField("api-download-job-detail")
    display = DisplayField(job_display, help_text="The job's number and image")
    state_label = serializers.CharField(source="get_state_display")
    progress = serializers.SerializerMethodField()
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    stored_image = serializers.SerializerMethodField()
    can_cancel = serializers.BooleanField(read_only=True)
    can_retry = serializers.BooleanField(read_only=True)

    class Meta:
        model = DownloadJob
        fields = [
            "id",
            "url",
            "display",
            "pid",
            "image_name",
            "image_guid",
            "mdf_id",
            "source",
            "state",
            "state_label",
            "waiting_for",
            "reason",
            "upstream_code",
            "upstream_message",
            "release_version",
            "expected_size",
            "expected_md5",
            "expected_sha512",
            "actual_md5",
            "actual_sha512",
            "progress",
            "stored_image",
            "requested_by",
            "runs",
            "requeues",
            "heartbeat_at",
            "created_at",
            "updated_at",
            "started_at",
            "finished_at",
            "can_cancel",
            "can_retry",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: DownloadJob) -> dict:
        return {
            "bytes_done": job.bytes_done,
            "bytes_total": job.bytes_total,
            "percent": job.percent,
            "rate": job.rate,
            "eta_seconds": job.eta_seconds,
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_stored_image(self, job: DownloadJob) -> str | None:
        if job.stored_image_id is None:
            return None
        return self._absolute(reverse("api-stored-image-detail", args=[job.stored_image_id]))


class StoredImageSerializer(_AbsoluteLinks, ModelSerializer):
    """A verified stored file; ``file`` is its bytes (Range supported, checksums in headers)."""

    url = ApiUrlField("api-stored-image-detail")
    display = DisplayField(lambda image: image.name, help_text="The file name")
    file = serializers.SerializerMethodField()

    class Meta:
        model = StoredImage
        fields = [
            "id",
            "url",
            "display",
            "file",
            "name",
            "size",
            "md5",
            "sha512",
            "image_guid",
            "pid",
            "mdf_id",
            "release_version",
            "software_type",
            "verified_at",
            "check_status",
            "checked_at",
        ]
        read_only_fields = fields

    def get_file(self, image: StoredImage) -> str:
        return self._absolute(reverse("api-stored-image-file", args=[image.pk]))


class DeviceLinkSerializer(serializers.Serializer):
    """A signed, expiring link a device can fetch without logging in."""

    url = serializers.URLField(help_text="Under PORTAL_DEVICE_BASE_URL when set, else the request's Host header.")
    copy_command = serializers.CharField(help_text="The IOS command that copies the file to flash: on a device.")
    expires_in = serializers.IntegerField(help_text="Seconds the link stays valid.")


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class FilterValueField(serializers.Field):
    """The value of one list filter: a text, or a list of texts (OR-ed)."""

    def to_internal_value(self, data: object) -> list[str]:
        items = data if isinstance(data, list) else [data]
        if len(items) > MAX_VALUES or not all(isinstance(item, (str, int)) for item in items):
            raise serializers.ValidationError(f"Give a text or a list of at most {MAX_VALUES} texts.")
        return [str(item) for item in items]

    def to_representation(self, value: object) -> object:
        return value


@extend_schema_serializer(component_name="FleetDownload")
class FleetDownloadRequestSerializer(serializers.Serializer):
    """Devices by id, or every device matching device-list filters (e.g. {"status": "upgrade_available"})."""

    device_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DEVICE_ID), required=False, max_length=200_000
    )
    filters = serializers.DictField(
        child=FilterValueField(),
        required=False,
        help_text='Device-list filters and their values, e.g. {"status": "upgrade_available", "site": ["ber1", '
        '"muc2"]}; several values of one filter are OR-ed, as in GET /api/v1/devices/',
    )

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("device_ids") and attrs.get("filters") is None:
            raise serializers.ValidationError("Give device_ids or filters.")
        return attrs


@extend_schema_serializer(component_name="FleetDownloadJob")
class FleetJobSerializer(serializers.Serializer):
    """One job a fleet request wrote (or found complete: an image already stored)."""

    image_name = serializers.CharField()
    job_id = serializers.IntegerField(source="pk")
    url = ApiUrlField("api-download-job-detail")
    display = DisplayField(job_display, help_text="The job's number and image")
    state = serializers.CharField()


@extend_schema_serializer(component_name="FleetDownloadRefusal")
class FleetRefusalSerializer(serializers.Serializer):
    """A target image the request rules refused, and why."""

    image_name = serializers.CharField()
    reason = serializers.CharField()


@extend_schema_serializer(component_name="FleetDownloadSkip")
class FleetSkipSerializer(serializers.Serializer):
    """A target image not requested, why, and how many of the devices asked about want it."""

    image_name = serializers.CharField()
    reason = serializers.ChoiceField(
        choices=SkipReason.choices, help_text="too_small: the image fits none of the devices that want it"
    )
    devices = serializers.IntegerField(help_text="Devices among those asked about whose target it is.")


class FleetDownloadResultSerializer(serializers.Serializer):
    """One job per distinct target image of the devices asked about."""

    jobs = FleetJobSerializer(many=True)
    refused = FleetRefusalSerializer(many=True)
    skipped = FleetSkipSerializer(many=True)
    devices = serializers.IntegerField(help_text="Devices asked about.")
    without_target = serializers.IntegerField(help_text="Devices among them with no target image.")
