"""Serializers of the devices API."""

from __future__ import annotations

from collections.abc import Iterable

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from portal.core.api.fields import ApiUrlField, DisplayField
from portal.core.api.serializers import ModelSerializer
from portal.inventory.choices import OsFamily
from portal.inventory.models import Device
from portal.inventory.services.devices import DeviceInvalid, device_input
from portal.inventory.services.fields import COLUMNS, DEVICE_FIELDS, MAX_MEGABYTES, DeviceField
from portal.inventory.services.show import PLATFORMS


@extend_schema_serializer(component_name="RecommendationSummary")
class RecommendationSummarySerializer(serializers.Serializer):
    """A device's target in short (the full one is at /recommendation/)."""

    target_release = serializers.CharField(allow_null=True, default=None, help_text="The target release's version")
    target_image = serializers.CharField(allow_null=True, default=None, help_text="The target image's file name")
    reason = serializers.CharField()
    reason_text = serializers.CharField()
    upgrade_available = serializers.BooleanField()
    downgrade = serializers.BooleanField(help_text="The target is below the running release")
    fit = serializers.CharField(
        help_text="fits, too_small or unknown: the target image's minimums vs memory_mb/flash_mb"
    )
    on_standard = serializers.BooleanField()


# The summary's fields read from the recommendation row itself (the target's names come from the device).
_SUMMARY_OWN = [name for name in RecommendationSummarySerializer._declared_fields if not name.startswith("target_")]


class TagListField(serializers.ListField):
    """Tag names; read from the (prefetched) tags of the device."""

    def get_attribute(self, instance: Device) -> list[str]:
        return instance.tag_names


@extend_schema_field(RecommendationSummarySerializer(allow_null=True))
class RecommendationField(serializers.Field):
    """The device's recommendation in short, null when not computed yet. The target's names are read from the
    device list's annotations (portal.inventory.selectors.device_list) when there, so a page of devices needs
    no Release and Image rows."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, device: Device) -> dict[str, object] | None:
        rec = getattr(device, "recommendation", None)
        if rec is None:
            return None
        if hasattr(device, "target_version"):
            release, image = device.target_version, device.target_image_name
        else:
            release = rec.target_release.version if rec.target_release_id else None
            image = rec.target_image.name if rec.target_image_id else None
        return {"target_release": release, "target_image": image, **{name: getattr(rec, name) for name in _SUMMARY_OWN}}


@extend_schema_field({"type": "string", "enum": [value for value, _ in OsFamily.choices]})
class OsFamilyField(serializers.CharField):
    """An OS family slug (``ios_xe``); its label (``IOS XE``) is read too. Empty: guessed from the PID."""


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_MEGABYTES, "nullable": True})
class MegabytesField(serializers.Field):
    """A size in megabytes, passed as given to the shared rules (which refuse "8 GB", -1 or 10**20 alike)."""

    def to_internal_value(self, data: object) -> object:
        return data

    def to_representation(self, value: object) -> object:
        return value


def _input_field(spec: DeviceField) -> serializers.Field:
    """A lax API field for one device field: the rules are applied by the one validation of every entry."""
    if spec.name == "os_family":
        return OsFamilyField(required=False, allow_blank=True, help_text=spec.doc)
    if spec.name in ("memory_mb", "flash_mb"):
        return MegabytesField(required=False, allow_null=True, help_text=spec.doc)
    if spec.name == "tags":
        child = serializers.CharField(allow_blank=True, trim_whitespace=False)
        child.validators = []  # the shared rules answer (DRF's would refuse NUL with its own words first)
        return TagListField(child=child, required=False, help_text='tag names, e.g. ["pci", "critical"]')
    field = serializers.CharField(required=spec.required, allow_blank=not spec.required, trim_whitespace=False,
                                  help_text=spec.doc)  # fmt: skip
    field.validators = []  # DRF's own (null characters) would answer before the shared rules do
    return field


class DeviceSerializer(ModelSerializer):
    """A device; ``tags`` are names; ``recommendation`` is read-only (null until computed). Input is checked by
    the rules every entry shares (CSV, form, show version, NetBox): problems come back by field."""

    url = ApiUrlField("api-device-detail")
    display = DisplayField(help_text="The hostname")
    recommendation = RecommendationField(allow_null=True)

    class Meta:
        model = Device
        fields = ["id", "url", "display", *COLUMNS, "source", "netbox_id", "created", "updated", "recommendation"]
        read_only_fields = ["source", "netbox_id", "created", "updated"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields.update({spec.name: _input_field(spec) for spec in DEVICE_FIELDS})
        return fields

    def validate(self, attrs: dict) -> dict:
        try:
            entry = device_input(raw=attrs, device=self.instance)
        except DeviceInvalid as exc:
            raise serializers.ValidationError(problems_by_field(exc.problems)) from None
        return {"entry": entry}


def problems_by_field(problems: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """(column, message) pairs as the API's ``fields`` object."""
    fields: dict[str, list[str]] = {}
    for column, message in problems:
        fields.setdefault(column, []).append(message)
    return fields


@extend_schema_serializer(component_name="DeviceImportRowError")
class RowErrorSerializer(serializers.Serializer):
    """One import problem."""

    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="DeviceImport")
class ImportRequestSerializer(serializers.Serializer):
    """JSON import: rows are objects keyed by the CSV columns (hostname and pid required)."""

    rows = serializers.ListField(child=serializers.DictField(), max_length=200_000)
    skip_invalid = serializers.BooleanField(default=False)


@extend_schema_serializer(component_name="DeviceImportUpload")
class ImportUploadSerializer(serializers.Serializer):
    """Multipart import: a CSV file."""

    file = serializers.FileField()
    skip_invalid = serializers.BooleanField(default=False)


@extend_schema_serializer(component_name="DeviceImportResult")
class ImportResultSerializer(serializers.Serializer):
    """The outcome of an import (``imported`` false: refused, nothing written)."""

    imported = serializers.BooleanField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="DeviceImportRefused")
class ImportRefusedSerializer(serializers.Serializer):
    """Error body of a refused import: the usual code and message, plus every problem by row and column."""

    code = serializers.CharField()
    message = serializers.CharField()
    errors = RowErrorSerializer(many=True)
    warnings = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="ShowVersionParse")
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


@extend_schema_serializer(component_name="ShowVersionFacts")
class ShowFactsSerializer(serializers.Serializer):
    """What the output said."""

    platform = serializers.CharField()
    os_family = serializers.CharField()
    hostname = serializers.CharField()
    pid = serializers.CharField()
    serial = serializers.CharField()
    current_release = serializers.CharField(help_text="canonical spelling, e.g. 17.9.4a")
    running_image = serializers.CharField(help_text="empty when show version does not name it (install mode)")
    memory_mb = serializers.IntegerField(allow_null=True, help_text="DRAM in megabytes, rounded down")
    flash_mb = serializers.IntegerField(allow_null=True, help_text="flash in megabytes, rounded down")
    warnings = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="ShowVersionParseResult")
class ShowParseResultSerializer(serializers.Serializer):
    """Parsed facts, and the device when ``save`` was asked."""

    facts = ShowFactsSerializer()
    device = DeviceSerializer(allow_null=True)
    created = serializers.BooleanField(allow_null=True)


@extend_schema_serializer(component_name="NetBoxSync")
class NetBoxSyncRequestSerializer(serializers.Serializer):
    """Optional NetBox filters, e.g. {"site": "ber1"} (passed to /api/dcim/devices/)."""

    filters = serializers.DictField(child=serializers.CharField(), required=False)


@extend_schema_serializer(component_name="NetBoxSkipped")
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
