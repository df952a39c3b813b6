"""Catalog API read per device: its recommendation and its releases."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import (
    RecommendationSerializer,
    ReleaseSerializer,
)
from portal.catalog.models import Product, Recommendation, Release
from portal.catalog.selectors import releases_of_product
from portal.core.api.filters import StrictBooleanFilter
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
        return Response(RecommendationSerializer(rec).data)


class DeviceReleaseFilterSet(filters.FilterSet):
    """``?all=`` and ``?suggested=`` of a device's releases: above the device's current release unless ``all``."""

    all = StrictBooleanFilter(method="include_all", label="include releases at or below the current one")
    suggested = StrictBooleanFilter(method="only_suggested", label="only suggested releases")

    class Meta:
        model = Release
        fields = ["all", "suggested"]

    def __init__(self, *args: Any, device: Device, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("all") and self.device.release_key:
            queryset = queryset.filter(sort_key__gt=self.device.release_key)
        return queryset

    def include_all(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset  # read in filter_queryset: it lifts the device's own bound

    def only_suggested(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(is_suggested=True) if value else queryset


class DeviceReleasesView(APIView):
    """The releases of a device's product, above its current release unless ?all=true."""

    permission_classes = [needs("inventory.view_device", "catalog.view_release")]

    @extend_schema(
        summary="Releases for a device (above its current release by default)",
        parameters=[
            OpenApiParameter("all", bool, description="include releases at or below the current one"),
            OpenApiParameter("suggested", bool),
        ],
        responses={200: ReleaseSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        device = get_object_or_404(Device, pk=pk)
        product = Product.objects.filter(pid__iexact=device.pid).first()
        rows = releases_of_product(product) if product is not None else Release.objects.none()
        filterset = DeviceReleaseFilterSet(request.query_params, queryset=rows, device=device)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return Response(ReleaseSerializer(filterset.qs, many=True).data)
