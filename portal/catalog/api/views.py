"""The catalog API: products, releases, images, standards, recommendations, the report, refreshes, look-ups."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import (
    FleetDownloadRequestSerializer,
    FleetDownloadResultSerializer,
    ImageListSerializer,
    ImageSearchRequestSerializer,
    ImageSearchResultSerializer,
    ImageStatusRequestSerializer,
    ImageStatusSerializer,
    ProductSerializer,
    RecommendationSerializer,
    RefreshSerializer,
    ReleaseSerializer,
    StandardSerializer,
)
from portal.catalog.choices import FleetStatus, RefreshTrigger
from portal.catalog.models import CatalogRefresh, Image, Product, Recommendation, Release, StandardRelease
from portal.catalog.selectors import (
    ReleaseFilter,
    dashboard_by_pid,
    dashboard_chart,
    dashboard_counts,
    products_with_counts,
    releases_of_product,
    report_csv_rows,
)
from portal.catalog.services.fleet import FleetDownloadUnavailable, fleet_download_request
from portal.catalog.services.lookups import image_search, image_status_check
from portal.catalog.services.refresh import catalog_refresh_start
from portal.catalog.services.standards import standard_release_delete, standard_release_set, standard_release_update
from portal.catalog.summary import fleet_summary
from portal.cisco.exceptions import AsdError, InvalidArgument
from portal.cisco.versionkey import release_sort_key
from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import ModelPermissionsWithView, needs
from portal.core.api.schemas import ErrorSerializer
from portal.core.counts import CachedCount
from portal.core.sanitise import plain_text
from portal.core.streaming import csv_stream
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Products (PIDs) in the catalog, with release, standard and device counts; ?q= searches."""

    serializer_class = ProductSerializer
    permission_classes = [ModelPermissionsWithView]
    lookup_field = "pid"
    # Cisco PIDs may hold a slash (ISR4351/K9); a second segment named "releases" is the action, not a PID.
    lookup_value_regex = r"[^/]+(?:/(?!releases/?$)[^/]+)?"
    queryset = Product.objects.all()
    filter_backends: list = []

    def get_queryset(self):
        return products_with_counts(self.request.query_params.get("q", "").strip())

    @extend_schema(
        summary="Releases of a product, newest first in Cisco order",
        parameters=[
            OpenApiParameter("above", str, description="only releases above this version"),
            OpenApiParameter("suggested", bool, description="only suggested releases"),
            OpenApiParameter("software_type", int, description="software type id (catalog row id)"),
        ],
        responses={200: ReleaseSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], serializer_class=ReleaseSerializer)
    def releases(self, request: Request, pid: str) -> Response:
        """The release browser of one PID."""
        product = get_object_or_404(Product, pid=pid)
        params = request.query_params
        software_type = params.get("software_type", "")
        rows = releases_of_product(
            product,
            ReleaseFilter(
                above=params.get("above", ""),
                suggested_only=params.get("suggested", "").lower() in ("1", "true", "yes", "on"),
                software_type_id=int(software_type) if software_type.isdigit() else None,
            ),
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReleaseSerializer(page, many=True).data)


class ReleaseFilterSet(filters.FilterSet):
    """Release filters: PID, suggested, software type, above a version."""

    pid = filters.CharFilter(field_name="product__pid")
    suggested = filters.BooleanFilter(field_name="is_suggested")
    software_type = filters.NumberFilter(field_name="software_type_id")
    above = filters.CharFilter(method="filter_above", label="above version")

    class Meta:
        model = Release
        fields = ["pid", "suggested", "software_type", "above"]

    def filter_above(self, queryset, name: str, value: str):
        return queryset.filter(sort_key__gt=release_sort_key(value)) if value else queryset


class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Releases with their images; lists are ordered by PID, then newest first in Cisco order."""

    serializer_class = ReleaseSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ReleaseFilterSet
    queryset = Release.objects.all()

    def get_queryset(self):
        return (
            Release.objects.select_related("product", "software_type")
            .prefetch_related(
                Prefetch("images", queryset=Image.objects.order_by("is_related", "name")),
                Prefetch("standards", queryset=StandardRelease.objects.order_by("site", "role")),
            )
            .order_by("product__pid", "-sort_key", "id")
        )


class ImageFilterSet(filters.FilterSet):
    name = filters.CharFilter(field_name="name")
    guid = filters.CharFilter(field_name="guid")
    pid = filters.CharFilter(field_name="release__product__pid")

    class Meta:
        model = Image
        fields = ["name", "guid", "pid"]


class ImageViewSet(viewsets.ReadOnlyModelViewSet):
    """Images of the catalog (filter by name, GUID or PID)."""

    serializer_class = ImageListSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ImageFilterSet
    queryset = Image.objects.all()

    def get_queryset(self):
        return Image.objects.select_related("release__product").order_by("name", "id")

    def get_permissions(self):
        if self.action in ("search", "status"):  # look-ups: reading rights suffice
            return [needs("catalog.view_image")()]
        return super().get_permissions()

    @extend_schema(
        summary="Search a PID's releases by image names (metadata/pidimage, synchronous)",
        request=ImageSearchRequestSerializer,
        responses={200: ImageSearchResultSerializer, 502: ErrorSerializer},
    )
    @action(detail=False, methods=["post"], serializer_class=ImageSearchRequestSerializer, filter_backends=[])
    def search(self, request: Request) -> Response:
        """Ask the upstream, store what it answers, return the releases."""
        body = ImageSearchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = _upstream(image_search, pid=body.validated_data["pid"], image_names=body.validated_data["image_names"])
        data = {"releases": result.releases, "invalid_images": list(result.invalid_images)}
        return Response(ImageSearchResultSerializer(data).data)

    @extend_schema(
        summary="Status of image names (metadata/images, synchronous): deleted? deferred?",
        request=ImageStatusRequestSerializer,
        responses={200: ImageStatusSerializer(many=True), 502: ErrorSerializer},
    )
    @action(detail=False, methods=["post"], serializer_class=ImageStatusRequestSerializer, filter_backends=[])
    def status(self, request: Request) -> Response:
        """Ask the upstream (five names per call), store the answers, return them."""
        body = ImageStatusRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = _upstream(image_status_check, image_names=body.validated_data["image_names"])
        return Response(ImageStatusSerializer(rows, many=True).data)


def _upstream(service, **kwargs):
    try:
        return service(**kwargs)
    except InvalidArgument as exc:
        raise ServiceError(exc.message, code="invalid_input") from None
    except AsdError as exc:
        code = exc.code or "upstream_error"
        raise ServiceError(f"The upstream answered: {plain_text(exc.message)}", code=code, status_code=502) from None


class StandardViewSet(viewsets.ModelViewSet):
    """Standard (golden) releases per PID, optionally scoped to a site and/or a role."""

    serializer_class = StandardSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_fields = {"product__pid": ["exact"], "site": ["exact"], "role": ["exact"]}
    queryset = StandardRelease.objects.all()

    def get_queryset(self):
        return StandardRelease.objects.select_related("product", "release", "created_by").order_by(
            "product__pid", "site", "role"
        )

    def perform_create(self, serializer: StandardSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = standard_release_set(
                release=data["release"],
                site=data.get("site", ""),
                role=data.get("role", ""),
                note=data.get("note", ""),
                user=self.request.user,
            )
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), code="invalid_standard") from None

    def perform_update(self, serializer: StandardSerializer) -> None:
        data = serializer.validated_data
        standard = serializer.instance
        try:
            serializer.instance = standard_release_update(
                standard=standard,
                release=data.get("release", standard.release),
                site=data.get("site", standard.site),
                role=data.get("role", standard.role),
                note=data.get("note", standard.note),
            )
        except ValidationError as exc:
            raise ServiceError(" ".join(exc.messages), code="invalid_standard") from None

    def perform_destroy(self, instance: StandardRelease) -> None:
        standard_release_delete(standard=instance)


@extend_schema_view(
    list=extend_schema(
        summary="Recommendations (device-list filters apply: ?status=upgrade_available&pid=...&site=...)",
        parameters=[OpenApiParameter("status", str, enum=list(FleetStatus.values))],
    )
)
class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Each device's target release with the reason in words; look up by device id."""

    serializer_class = RecommendationSerializer
    permission_classes = [needs("inventory.view_device", "catalog.view_release")]
    queryset = Recommendation.objects.all()
    filter_backends: list = []

    def get_queryset(self):
        return Recommendation.objects.select_related("device", "target_release", "target_image")

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        # Paged from the device side: the hostname index gives the order and the page without sorting a join.
        devices = DeviceFilter(request.query_params, queryset=Device.objects.all()).qs
        devices = devices.filter(recommendation__isnull=False).select_related(
            "recommendation", "recommendation__target_release", "recommendation__target_image"
        )
        page = self.paginate_queryset(CachedCount(devices, request.query_params.dict(), scope="recommendations"))
        return self.get_paginated_response(RecommendationSerializer([d.recommendation for d in page], many=True).data)


class ReportView(APIView):
    """The fleet report: counts per bucket, per OS family, and the PIDs with the most upgrades available."""

    permission_classes = [needs("inventory.view_device")]

    @extend_schema(
        summary="Fleet report (counts); ?export=csv for the per-device report",
        parameters=[OpenApiParameter("export", str, enum=["csv"], description="csv: the per-device report")],
        responses={
            200: OpenApiResponse(
                response={
                    "type": "object",
                    "properties": {
                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "by_os_family": {"type": "object"},
                        "top_pids": {"type": "array", "items": {"type": "object"}},
                    },
                },
                description="JSON report, or CSV with ?export=csv",
            )
        },
    )
    def get(self, request: Request) -> object:
        filters = DeviceFilter(request.query_params, queryset=Device.objects.all())
        devices = filters.qs
        if request.query_params.get("export") == "csv":
            return csv_stream(report_csv_rows(devices), "fleet-report.csv")
        if not any(request.query_params.get(name) for name in filters.filters):
            summary = fleet_summary()  # the whole fleet: cached per generation
            return Response(
                {"counts": summary["counts"], "by_os_family": summary["chart"], "top_pids": summary["top_pids"]}
            )
        body = {
            "counts": dashboard_counts(devices),
            "by_os_family": dashboard_chart(devices),
            "top_pids": dashboard_by_pid(devices),
        }
        return Response(body)


class RefreshViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Catalog refreshes: start one (202, or the one already running) and poll its progress."""

    serializer_class = RefreshSerializer
    queryset = CatalogRefresh.objects.all()
    filter_backends: list = []

    def get_permissions(self):
        if self.action == "create":
            return [needs("catalog.refresh_catalog")()]
        return [needs("catalog.view_release")()]

    def get_queryset(self):
        return CatalogRefresh.objects.select_related("requested_by").order_by("-created")

    @extend_schema(request=None, responses={202: RefreshSerializer, 403: ErrorSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        refresh, _ = catalog_refresh_start(trigger=RefreshTrigger.API, requested_by=request.user)
        url = request.build_absolute_uri(f"{refresh.pk}/")
        return Response(RefreshSerializer(refresh).data, status=status.HTTP_202_ACCEPTED, headers={"Location": url})


class FleetDownloadView(APIView):
    """Request the target images of devices: one download job per distinct image."""

    permission_classes = [needs("inventory.view_device", "downloads.add_downloadjob")]

    @extend_schema(
        summary="Download the target images of devices",
        request=FleetDownloadRequestSerializer,
        responses={202: FleetDownloadResultSerializer, 400: ErrorSerializer, 503: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = FleetDownloadRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data.get("device_ids"):
            devices = Device.objects.filter(pk__in=body.validated_data["device_ids"])
        else:
            query = QueryDict(mutable=True)
            query.update(body.validated_data["filters"])
            devices = DeviceFilter(query, queryset=Device.objects.all()).qs
        try:
            result = fleet_download_request(devices=devices, requested_by=request.user, source="api")
        except FleetDownloadUnavailable as exc:
            raise ServiceError(str(exc), code="downloads_unavailable", status_code=503) from None
        data = {
            "jobs": [{"image_name": n, "job_id": j} for n, j in result.jobs],
            "devices": result.devices,
            "without_target": result.without_target,
        }
        return Response(FleetDownloadResultSerializer(data).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(
    summary="A device's recommendation",
    responses={200: RecommendationSerializer, 404: ErrorSerializer},
)
class DeviceRecommendationView(APIView):
    """The recommendation of one device (404 until computed)."""

    permission_classes = [needs("inventory.view_device")]

    def get(self, request: Request, pk: int) -> Response:
        rec = get_object_or_404(
            Recommendation.objects.select_related("device", "target_release", "target_image"), device_id=pk
        )
        return Response(RecommendationSerializer(rec).data)


class DeviceReleasesView(APIView):
    """The releases of a device's product, above its current release unless ?all=true."""

    permission_classes = [needs("inventory.view_device", "catalog.view_release")]

    @extend_schema(
        summary="Releases for a device (above its current release by default)",
        parameters=[
            OpenApiParameter("all", bool, description="include releases at or below the current one"),
            OpenApiParameter("suggested", bool),
        ],
        responses={200: ReleaseSerializer(many=True), 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        device = get_object_or_404(Device, pk=pk)
        product = Product.objects.filter(pid__iexact=device.pid).first()
        if product is None:
            return Response([])
        show_all = request.query_params.get("all", "").lower() in ("1", "true", "yes", "on")
        rows = releases_of_product(
            product,
            ReleaseFilter(
                above="" if show_all else device.current_release,
                suggested_only=request.query_params.get("suggested", "").lower() in ("1", "true", "yes", "on"),
            ),
        )
        return Response(ReleaseSerializer(rows, many=True).data)
