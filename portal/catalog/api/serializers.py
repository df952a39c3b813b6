"""Serializers of the catalog API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from portal.catalog.choices import CatalogState, Fit
from portal.catalog.models import (
    CatalogRefresh,
    CatalogRefreshPair,
    Image,
    ImageFamily,
    ImageStatus,
    Product,
    Recommendation,
    Release,
    SoftwareType,
    StandardRelease,
)
from portal.cisco.client import MAX_IMAGES
from portal.core.api.fields import ApiUrlField, DisplayField, ListedNameField
from portal.core.api.serializers import ModelSerializer
from portal.core.sanitise import plain_text


class SoftwareTypeSerializer(ModelSerializer):
    """A software type of the upstream (IOS XE Software, ...); ``id`` is what ``?software_type=`` takes."""

    display = DisplayField(help_text="The software type's name")

    class Meta:
        model = SoftwareType
        fields = ["id", "display", "type_id", "name"]


class ProductSerializer(ModelSerializer):
    """A product (PID) of the catalog, with how many releases, standards and devices it has."""

    url = ApiUrlField("api-product-detail", lookup="pid")
    display = DisplayField(help_text="The PID")
    release_count = serializers.IntegerField(read_only=True)
    device_count = serializers.IntegerField(read_only=True, allow_null=True)
    standard_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "url",
            "display",
            "pid",
            "mdf_id",
            "mdf_concept_name",
            "fetched_at",
            "release_count",
            "device_count",
            "standard_count",
        ]


class ImageExceptionSerializer(serializers.Serializer):
    """An upstream exception on an image; the message is plain text (markup removed)."""

    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="ReleaseImage")
class ImageSerializer(ModelSerializer):
    """An image of a release, with its checksums and what stands in its way."""

    url = ApiUrlField("api-image-detail")
    display = DisplayField(help_text="The file name")
    exceptions = serializers.SerializerMethodField()

    class Meta:
        model = Image
        fields = [
            "id",
            "url",
            "display",
            "guid",
            "name",
            "size",
            "md5",
            "sha512",
            "description",
            "feature_set",
            "min_dram",
            "min_flash",
            "crypto",
            "contract_required",
            "is_related",
            "is_deleted",
            "deleted_date",
            "release_date",
            "deferral_notice",
            "software_advisory",
            "psirt",
            "docs",
            "exceptions",
            "metadata_trans_id",
            "fetched_at",
        ]

    def get_exceptions(self, image: Image) -> list[dict[str, str]]:
        return [
            {"code": str(e.get("code", "")), "message": plain_text(str(e.get("message", "")))} for e in image.exceptions
        ]


@extend_schema_serializer(component_name="CatalogImage")
class ImageListSerializer(ImageSerializer):
    """An image with the release and PID it belongs to."""

    pid = serializers.CharField(source="release.product.pid", read_only=True)
    mdf_id = serializers.CharField(source="release.product.mdf_id", read_only=True)
    release_version = serializers.CharField(source="release.version", read_only=True)
    release_id = serializers.IntegerField(read_only=True)

    class Meta(ImageSerializer.Meta):
        fields = ["pid", "mdf_id", "release_id", "release_version", *ImageSerializer.Meta.fields]


class StandardBriefSerializer(ModelSerializer):
    """A standard that names a release, in short."""

    url = ApiUrlField("api-standard-detail")
    display = DisplayField(lambda standard: standard.scope_text, help_text="Where the standard applies")

    class Meta:
        model = StandardRelease
        fields = ["id", "url", "display", "site", "role", "scope_text"]


class ReleaseSerializer(ModelSerializer):
    """A release (newest first in Cisco order in lists) with its images and the standards that name it."""

    url = ApiUrlField("api-release-detail")
    display = DisplayField(help_text="PID and version")
    pid = serializers.CharField(source="product.pid", read_only=True)
    software_type = SoftwareTypeSerializer(read_only=True)
    images = ImageSerializer(many=True, read_only=True)
    standards = StandardBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Release
        fields = [
            "id",
            "url",
            "display",
            "pid",
            "software_type",
            "operating_system",
            "version",
            "fcs_date",
            "lifecycle",
            "is_suggested",
            "is_deleted",
            "is_deferred",
            "psirt",
            "message",
            "catalog_message",
            "field_notice",
            "security_advisory",
            "docs",
            "metadata_trans_id",
            "fetched_at",
            "images",
            "standards",
        ]


@extend_schema_serializer(component_name="PaginatedDeviceReleaseList", many=False)
class DeviceReleasePageSerializer(serializers.Serializer):
    """One page of a device's releases, and whether the catalog's list above its current release is whole (the
    schema of the answer; the page itself is written by the view's paginator)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ReleaseSerializer(many=True)
    catalog_state = serializers.ChoiceField(
        choices=CatalogState.choices,
        allow_null=True,
        help_text="What became of the latest query about the device's (PID, release): only `fetched` means the list "
        "above its release is whole; null when the device has no current release",
    )
    catalog_note = serializers.CharField(help_text="The state in a sentence (an upstream error's code and message)")


class StandardSerializer(ModelSerializer):
    """A standard release. Write ``release`` (id) and, for an image family's standard, ``family`` (its key, e.g.
    ``cat9k_iosxe``: every PID shipping those image files gets its release of that version); ``site`` and
    ``role`` narrow it. A second standard for the same scope is refused with 409 and the existing one's id."""

    url = ApiUrlField("api-standard-detail")
    display = DisplayField(help_text="Scope and version")
    pid = serializers.CharField(
        source="product.pid", read_only=True, allow_null=True, default=None, help_text="Null for a family standard"
    )
    family = serializers.SlugRelatedField(
        slug_field="key",
        queryset=ImageFamily.objects.all(),
        required=False,
        allow_null=True,
        help_text="An image family's key (GET /api/v1/catalog/families/); null or left out: the release's PID",
    )
    family_name = serializers.CharField(source="family.display", read_only=True, allow_null=True, default=None)
    version = serializers.CharField(source="release.version", read_only=True)
    release = serializers.PrimaryKeyRelatedField(queryset=Release.objects.select_related("product"))
    created_by = serializers.StringRelatedField()

    class Meta:
        model = StandardRelease
        fields = [
            "id",
            "url",
            "display",
            "pid",
            "family",
            "family_name",
            "release",
            "version",
            "site",
            "role",
            "scope_text",
            "note",
            "created_by",
            "created",
            "updated",
        ]
        read_only_fields = ["scope_text", "created", "updated"]
        validators = []  # the scope is checked by the service


class ImageFamilySerializer(ModelSerializer):
    """An image family: the PIDs whose releases ship image files of one name stem, named as their series."""

    url = ApiUrlField("api-family-detail", lookup="key")
    display = DisplayField(lambda family: family.display, help_text="The series' name, as Cisco names it")
    pids = serializers.SerializerMethodField()

    class Meta:
        model = ImageFamily
        fields = ["url", "display", "key", "name", "pids"]

    def get_pids(self, family: ImageFamily) -> list[str]:
        return [product.pid for product in family.products.all()]


def recommendation_display(recommendation: Recommendation) -> str:
    """A recommendation's short label: the device and its target (or why it has none)."""
    if hasattr(recommendation, "target_version"):  # a list's row (portal.catalog.selectors.recommendations_listed)
        target = recommendation.target_version
    else:
        target = recommendation.target_release.version if recommendation.target_release_id else None
    return f"{recommendation.device.hostname}: {target or recommendation.get_reason_display()}"


class RecommendationSerializer(ModelSerializer):
    """A device's recommendation: target, reason in words, dashboard flags."""

    url = ApiUrlField("api-recommendation-detail")
    display = DisplayField(recommendation_display, help_text="The device and its target release")
    device = serializers.IntegerField(source="device_id", read_only=True)
    hostname = serializers.CharField(source="device.hostname", read_only=True)
    pid = serializers.CharField(source="device.pid", read_only=True)
    site = serializers.CharField(source="device.site", read_only=True)
    role = serializers.CharField(source="device.role", read_only=True)
    current_release = serializers.CharField(source="device.current_release", read_only=True)
    running_image = serializers.CharField(source="device.running_image", read_only=True)
    # A list reads the related rows' names as annotations (portal.catalog.selectors.recommendations_listed).
    target_release = ListedNameField("target_version", source="target_release.version")
    target_release_id = serializers.IntegerField(read_only=True, allow_null=True)
    target_image = ListedNameField("target_image_name", source="target_image.name")
    target_image_guid = ListedNameField("target_image_guid", source="target_image.guid")
    standard_id = serializers.IntegerField(read_only=True, allow_null=True)
    standard = ListedNameField(
        "standard_text", source="standard.scope_text",
        help_text='The scope of the standard that applies, e.g. "Catalyst 9300 family, site Munich"',
    )  # fmt: skip
    fit = serializers.ChoiceField(
        choices=Fit.choices, read_only=True,
        help_text="Whether the target image's minDram/minFlash fit the device's memory_mb/flash_mb",
    )  # fmt: skip
    fit_text = serializers.CharField(read_only=True, help_text="The fit verdict in words, with sizes")

    class Meta:
        model = Recommendation
        fields = [
            "url",
            "display",
            "device",
            "hostname",
            "pid",
            "site",
            "role",
            "current_release",
            "running_image",
            "target_release",
            "target_release_id",
            "target_image",
            "target_image_guid",
            "standard_id",
            "standard",
            "reason",
            "reason_text",
            "on_standard",
            "upgrade_available",
            "downgrade",
            "fit",
            "fit_text",
            "min_memory_mb",
            "min_flash_mb",
            "memory_short_mb",
            "flash_short_mb",
            "running_deleted",
            "running_deferred",
            "psirt",
            "computed_at",
        ]


@extend_schema_serializer(component_name="CatalogRefresh")
class RefreshSerializer(ModelSerializer):
    """A catalog refresh and its progress; ``calls`` counts the queries the upstream answered."""

    url = ApiUrlField("api-refresh-detail")
    display = DisplayField(lambda refresh: f"Refresh #{refresh.pk} ({refresh.get_state_display()})")
    percent = serializers.IntegerField(read_only=True)
    requested_by = serializers.StringRelatedField()

    class Meta:
        model = CatalogRefresh
        fields = [
            "id",
            "url",
            "display",
            "state",
            "trigger",
            "requested_by",
            "retry_of",
            "pairs_total",
            "pairs_done",
            "pairs_failed",
            "percent",
            "calls",
            "records",
            "created",
            "started_at",
            "finished_at",
        ]


@extend_schema_serializer(component_name="CatalogRefreshFailedPair")
class FailedPairSerializer(ModelSerializer):
    """A pair whose query failed, with what the upstream answered (or the connection error), redacted."""

    display = DisplayField(help_text="PID and the release devices run")
    shared = serializers.SerializerMethodField(
        help_text="True when the pair was not asked separately: the shared query of its PID failed"
    )

    class Meta:
        model = CatalogRefreshPair
        fields = [
            "display",
            "pid",
            "current_release",
            "devices",
            "error_code",
            "error_message",
            "http_status",
            "shared",
        ]

    def get_shared(self, pair: CatalogRefreshPair) -> bool:
        return pair.answered_by_id is not None


@extend_schema_serializer(component_name="CatalogRefreshDetail")
class RefreshDetailSerializer(RefreshSerializer):
    """A refresh with every failed pair."""

    failed_pairs = FailedPairSerializer(many=True, read_only=True)

    class Meta(RefreshSerializer.Meta):
        fields = [*RefreshSerializer.Meta.fields, "failed_pairs"]


@extend_schema_serializer(component_name="ImageSearch")
class ImageSearchRequestSerializer(serializers.Serializer):
    """Image names of a PID to look up upstream (metadata/pidimage)."""

    pid = serializers.CharField(max_length=64)
    image_names = serializers.ListField(
        child=serializers.CharField(max_length=255), min_length=1, max_length=MAX_IMAGES
    )


class ImageSearchResultSerializer(serializers.Serializer):
    """The releases the upstream answered, and the names it did not know."""

    releases = ReleaseSerializer(many=True)
    invalid_images = serializers.ListField(child=serializers.CharField())


@extend_schema_serializer(component_name="ImageStatusQuery")
class ImageStatusRequestSerializer(serializers.Serializer):
    """Image names whose status to ask upstream (metadata/images)."""

    image_names = serializers.ListField(child=serializers.CharField(max_length=255), min_length=1, max_length=50)


class ImageStatusSerializer(ModelSerializer):
    """What the upstream said about an image name (deleted? deferred?)."""

    display = DisplayField(help_text="The image name")

    class Meta:
        model = ImageStatus
        fields = [
            "display",
            "name",
            "known",
            "software_type_name",
            "size",
            "md5",
            "sha512",
            "is_deleted",
            "deleted_date",
            "is_deferred",
            "release_fcs_date",
            "checked_at",
        ]


@extend_schema_serializer(component_name="FleetChartDataset")
class ChartDatasetSerializer(serializers.Serializer):
    """One exclusive state of the chart: how many devices of each OS family (in ``labels`` order) are in it."""

    key = serializers.CharField()
    label = serializers.CharField()
    data = serializers.ListField(child=serializers.IntegerField())


@extend_schema_serializer(component_name="FleetChart")
class ChartSerializer(serializers.Serializer):
    """Devices per OS family and state, ready for a chart: ``labels`` are the OS families."""

    labels = serializers.ListField(child=serializers.CharField())
    datasets = ChartDatasetSerializer(many=True)


@extend_schema_serializer(component_name="FleetPidCounts")
class PidCountsSerializer(serializers.Serializer):
    """A PID with its devices, those with an upgrade available and those on their standard."""

    pid = serializers.CharField()
    devices = serializers.IntegerField()
    upgrade = serializers.IntegerField()
    on_standard = serializers.IntegerField()


@extend_schema_serializer(component_name="FleetReport")
class ReportSerializer(serializers.Serializer):
    """The fleet report: ``total`` and each bucket's count, devices per OS family and state (chart data), and the
    PIDs with most upgrades available."""

    counts = serializers.DictField(child=serializers.IntegerField(), help_text="total, and each status bucket")
    by_os_family = ChartSerializer()
    top_pids = PidCountsSerializer(many=True)
