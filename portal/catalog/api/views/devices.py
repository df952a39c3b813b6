"""Catalog API read per device: its recommendation and its releases."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.catalog.api.serializers import DeviceReleasePageSerializer, RecommendationSerializer, ReleaseSerializer
from portal.catalog.caching import catalog_cached
from portal.catalog.filters import DeviceReleaseFilter
from portal.catalog.models import Recommendation, Release
from portal.catalog.selectors import NO_CURRENT_RELEASE_NOTE, device_pair_status, product_of_pid, releases_of_product
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


@extend_schema(
    summary="Releases for a device (above its current release by default), newest first",
    description="`catalog_state` says whether the list is whole: `fetched` when the upstream answered the latest "
    "query about the device's (PID, release); `not_fetched`, `fetching` or `failed` when the list may be only what "
    "other devices' queries found (or an older answer); null when the device has no current release. "
    "`catalog_note` says the same in a sentence.",
    responses={200: DeviceReleasePageSerializer, 404: ErrorSerializer},
)
class DeviceReleasesView(ListAPIView):
    """The releases of a device's product, above its current release unless ?all=true; paginated like every
    list, with whether the catalog's list is complete for the device's pair (``catalog_state``, ``catalog_note``)."""

    permission_classes = [needs("inventory.view_device", "catalog.view_release")]
    serializer_class = ReleaseSerializer
    queryset = Release.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = DeviceReleaseFilter  # applied in filter_queryset: it needs the device

    def get_queryset(self) -> QuerySet[Release]:
        product = product_of_pid(self.device.pid)
        return releases_of_product(product) if product is not None else Release.objects.none()

    def filter_queryset(self, queryset: QuerySet[Release]) -> QuerySet[Release]:
        return filterset_qs(DeviceReleaseFilter(self.request.query_params, queryset=queryset, device=self.device))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page (serialized once per catalog generation for the device's PID and release), and whether the list
        is complete for the device's (PID, release) (see the schema above)."""
        self.device = get_object_or_404(Device, pk=kwargs["pk"])
        parts = (request.build_absolute_uri(), self.device.pid, self.device.release_key)
        page = catalog_cached("api-device-releases", parts, lambda: super(DeviceReleasesView, self).list(request).data)
        pair = device_pair_status(self.device)
        return Response(
            {
                **page,
                "catalog_state": pair.state if pair is not None else None,
                "catalog_note": pair.note if pair is not None else NO_CURRENT_RELEASE_NOTE,
            }
        )
