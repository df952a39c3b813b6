"""Catalog API read per device: its recommendation and its releases."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import (
    RecommendationSerializer,
    ReleaseSerializer,
)
from portal.catalog.models import Product, Recommendation
from portal.catalog.selectors import (
    ReleaseFilter,
    releases_of_product,
)
from portal.core.api.permissions import needs
from portal.core.api.schemas import ErrorSerializer
from portal.inventory.models import Device


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
