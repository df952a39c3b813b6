"""Serializers of the devices API."""

from __future__ import annotations

from django.core.validators import RegexValidator
from rest_framework import serializers

from portal.inventory.choices import OsFamily
from portal.inventory.models import Device
from portal.inventory.services.fields import HOSTNAME_RE, PID_RE, TAG_RE
from portal.inventory.services.show import PLATFORMS


class RecommendationSummarySerializer(serializers.Serializer):
    """A device's target in short (the full one is at /recommendation/)."""

    target_release = serializers.CharField(source="target_release.version", allow_null=True, default=None)
    target_image = serializers.CharField(source="target_image.name", allow_null=True, default=None)
    reason = serializers.CharField()
    reason_text = serializers.CharField()
    upgrade_available = serializers.BooleanField()
    on_standard = serializers.BooleanField()


class TagListField(serializers.ListField):
    """Tag names; read from the (prefetched) tags of the device."""

    def get_attribute(self, instance: Device) -> list[str]:
        return [tag.name for tag in instance.tags.all()]


class RecommendationField(RecommendationSummarySerializer):
    """The device's recommendation, null when not computed yet."""

    def get_attribute(self, instance: Device) -> object:
        return getattr(instance, "recommendation", None)


class DeviceSerializer(serializers.ModelSerializer):
    """A device; ``tags`` are names; ``recommendation`` is read-only (null until computed)."""

    hostname = serializers.CharField(max_length=255, validators=[RegexValidator(HOSTNAME_RE.pattern + r"\Z")])
    pid = serializers.CharField(max_length=64, validators=[RegexValidator(PID_RE.pattern + r"\Z")])
    os_family = serializers.ChoiceField(choices=OsFamily.choices, required=False)
    tags = TagListField(
        child=serializers.CharField(max_length=64, validators=[RegexValidator(TAG_RE.pattern + r"\Z")]),
        required=False,
    )
    recommendation = RecommendationField(read_only=True, allow_null=True)

    class Meta:
        model = Device
        fields = [
            "id",
            "hostname",
            "pid",
            "serial",
            "current_release",
            "running_image",
            "os_family",
            "site",
            "role",
            "tags",
            "notes",
            "source",
            "netbox_id",
            "created",
            "updated",
            "recommendation",
        ]
        read_only_fields = ["source", "netbox_id", "created", "updated"]

    def validate_hostname(self, value: str) -> str:
        clash = Device.objects.filter(hostname=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("A device with this hostname exists.")
        return value


class RowErrorSerializer(serializers.Serializer):
    """One import problem."""

    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportRequestSerializer(serializers.Serializer):
    """JSON import: rows are objects keyed by the CSV columns (hostname and pid required)."""

    rows = serializers.ListField(child=serializers.DictField(), max_length=200_000)
    skip_invalid = serializers.BooleanField(default=False)


class ImportUploadSerializer(serializers.Serializer):
    """Multipart import: a CSV file."""

    file = serializers.FileField()
    skip_invalid = serializers.BooleanField(default=False)


class ImportResultSerializer(serializers.Serializer):
    """The outcome of an import (``imported`` false: refused, nothing written)."""

    imported = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class ImportRefusedSerializer(serializers.Serializer):
    """Error body of a refused import: the usual code and message, plus every problem by row and column."""

    code = serializers.CharField()
    message = serializers.CharField()
    errors = RowErrorSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


class ShowParseRequestSerializer(serializers.Serializer):
    """Pasted CLI output; ``save`` creates or updates the device."""

    show_version = serializers.CharField(max_length=200_000)
    show_inventory = serializers.CharField(max_length=200_000, required=False, allow_blank=True, default="")
    platform = serializers.ChoiceField(choices=["auto", *PLATFORMS], default="auto")
    save = serializers.BooleanField(default=False)
    hostname = serializers.CharField(required=False, allow_blank=True, default="")
    site = serializers.CharField(required=False, allow_blank=True, default="")
    role = serializers.CharField(required=False, allow_blank=True, default="")
    tags = serializers.ListField(child=serializers.CharField(max_length=64), required=False)


class ShowFactsSerializer(serializers.Serializer):
    """What the output said."""

    platform = serializers.CharField()
    os_family = serializers.CharField()
    hostname = serializers.CharField()
    pid = serializers.CharField()
    serial = serializers.CharField()
    current_release = serializers.CharField()
    running_image = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())


class ShowParseResultSerializer(serializers.Serializer):
    """Parsed facts, and the device when ``save`` was asked."""

    facts = ShowFactsSerializer()
    device = DeviceSerializer(allow_null=True)
    created = serializers.BooleanField(allow_null=True)


class NetBoxSyncRequestSerializer(serializers.Serializer):
    """Optional NetBox filters, e.g. {"site": "ber1"} (passed to /api/dcim/devices/)."""

    filters = serializers.DictField(child=serializers.CharField(), required=False)


class SkippedSerializer(serializers.Serializer):
    """A NetBox device that was not imported, and why."""

    name = serializers.CharField()
    reason = serializers.CharField()


class NetBoxSyncResultSerializer(serializers.Serializer):
    """What a NetBox sync did."""

    seen = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = SkippedSerializer(many=True)
