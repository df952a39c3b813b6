"""Catalog API: recommendations and the fleet report (downloading the fleet's target images is the downloads app's)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import (
    RecommendationSerializer,
)
from portal.catalog.choices import FleetStatus
from portal.catalog.models import Recommendation
from portal.catalog.selectors import (
    dashboard_by_pid,
    dashboard_chart,
    dashboard_counts,
    report_csv_rows,
)
from portal.catalog.summary import fleet_summary
from portal.core.api.permissions import needs
from portal.core.counts import CachedCount
from portal.core.streaming import csv_stream
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device


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
        return Recommendation.objects.select_related(
            "device", "target_release", "target_image", "standard__product", "standard__family"
        )

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        # Paged from the device side: the hostname index gives the order and the page without sorting a join.
        devices = DeviceFilter(request.query_params, queryset=Device.objects.all()).qs
        devices = devices.filter(recommendation__isnull=False).select_related(
            "recommendation",
            "recommendation__target_release",
            "recommendation__target_image",
            "recommendation__standard__product",
            "recommendation__standard__family",
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
