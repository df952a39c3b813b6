"""Catalog API read per device: its recommendation and its releases."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import RecommendationSerializer, ReleaseSerializer
from portal.catalog.filters import DeviceReleaseFilter
from portal.catalog.models import Product, Recommendation, Release
from portal.catalog.selectors import releases_of_product
from portal.core.api.filters import filterset_qs
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
            Recommendation.objects.select_related(
                "device", "target_release", "target_image", "standard__product", "standard__family"
            ),
            device_id=pk,
        )
        return Response(RecommendationSerializer(rec, context={"request": request}).data)


@extend_schema(summary="Releases for a device (above its current release by default), newest first")
class DeviceReleasesView(ListAPIView):
    """The releases of a device's product, above its current release unless ?all=true; paginated like every
    list."""

    permission_classes = [needs("inventory.view_device", "catalog.view_release")]
    serializer_class = ReleaseSerializer
    queryset = Release.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeviceReleaseFilter  # applied in filter_queryset: it needs the device

    def get_queryset(self) -> QuerySet[Release]:
        self.device = get_object_or_404(Device, pk=self.kwargs["pk"])
        product = Product.objects.filter(pid__iexact=self.device.pid).first()
        return releases_of_product(product) if product is not None else Release.objects.none()

    def filter_queryset(self, queryset: QuerySet[Release]) -> QuerySet[Release]:
        return filterset_qs(DeviceReleaseFilter(self.request.query_params, queryset=queryset, device=self.device))
