"""Catalog API: recommendations and the fleet report (downloading the fleet's target images is the downloads app's)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import RecommendationSerializer, ReportSerializer
from portal.catalog.models import Recommendation
from portal.catalog.selectors import (
    dashboard_by_pid,
    dashboard_chart,
    dashboard_counts,
    recommendations_listed,
    recommendations_of,
    report_csv_rows,
)
from portal.catalog.summary import fleet_summary
from portal.core.api.filters import filterset_qs
from portal.core.api.permissions import needs
from portal.core.counts import CachedCount
from portal.core.streaming import csv_stream
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device


@extend_schema_view(
    list=extend_schema(summary="Recommendations (the device list's filters apply: ?status=upgrade_available&site=A)")
)
class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Each device's target release with the reason in words; look up by device id."""

    serializer_class = RecommendationSerializer
    permission_classes = [needs("inventory.view_device", "catalog.view_release")]
    queryset = Recommendation.objects.all()
    filter_backends: list = []
    schema_filterset_class = DeviceFilter  # applied to the devices in list()

    def get_queryset(self):
        return Recommendation.objects.select_related(
            "device", "target_release", "target_image", "standard__product", "standard__family"
        )

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        # Paged from the device side: the hostname index gives the order and the page without sorting a join.
        devices = filterset_qs(DeviceFilter(request.query_params, queryset=Device.objects.all()))
        devices = recommendations_listed(devices.filter(recommendation__isnull=False))
        page = self.paginate_queryset(CachedCount(devices, request.query_params.dict(), scope="recommendations"))
        return self.get_paginated_response(self.get_serializer(recommendations_of(page), many=True).data)


class ReportView(APIView):
    """The fleet report: counts per bucket, per OS family, and the PIDs with the most upgrades available."""

    permission_classes = [needs("inventory.view_device")]
    schema_filterset_class = DeviceFilter  # the report is of the devices these select

    @extend_schema(
        summary="Fleet report (counts) of the devices the device list's filters select; ?export=csv per device",
        parameters=[OpenApiParameter("export", str, enum=["csv"], description="csv: the per-device report")],
        responses={
            200: ReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="With ?export=csv"),
        },
    )
    def get(self, request: Request) -> object:
        export = request.query_params.get("export", "")
        if export not in ("", "csv"):
            raise ValidationError({"export": [f"{export[:40]!r} is not a format of the report: use csv."]})
        filters = DeviceFilter(request.query_params, queryset=Device.objects.all())
        devices = filterset_qs(filters)
        if export == "csv":
            return csv_stream(report_csv_rows(devices), "fleet-report.csv")
        if not any(request.query_params.get(name) for name in filters.filters):
            summary = fleet_summary()  # the whole fleet: cached per generation
            body = {"counts": summary["counts"], "by_os_family": summary["chart"], "top_pids": summary["top_pids"]}
        else:
            body = {
                "counts": dashboard_counts(devices),
                "by_os_family": dashboard_chart(devices),
                "top_pids": dashboard_by_pid(devices),
            }
        return Response(ReportSerializer(body).data)
