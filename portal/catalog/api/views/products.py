"""Catalog API: products and their releases, releases, images and the synchronous image look-ups."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.catalog.api.serializers import (
    ImageListSerializer,
    ImageSearchRequestSerializer,
    ImageSearchResultSerializer,
    ImageStatusRequestSerializer,
    ImageStatusSerializer,
    ProductSerializer,
    ReleaseSerializer,
)
from portal.catalog.caching import catalog_cached
from portal.catalog.filters import ImageFilter, ProductFilter, ProductReleaseFilter, ReleaseFilterSet
from portal.catalog.models import Image, Product, Release, StandardRelease
from portal.catalog.selectors import products_with_counts, releases_of_product
from portal.catalog.services.lookups import image_search, image_status_check
from portal.core.api.filters import filterset_qs
from portal.core.api.permissions import ModelPermissionsWithView, needs
from portal.core.api.schemas import ErrorSerializer
from portal.core.upstream_errors import upstream_call

UPSTREAM_ERRORS = {code: ErrorSerializer for code in (400, 404, 502, 503)}


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """Products (PIDs) in the catalog, with release, standard and device counts; ?q= searches."""

    serializer_class = ProductSerializer
    permission_classes = [ModelPermissionsWithView]
    lookup_field = "pid"
    # Cisco PIDs may hold a slash (ISR4351/K9); a second segment named "releases" is the action, not a PID.
    lookup_value_regex = r"[^/]+(?:/(?!releases/?$)[^/]+)?"
    queryset = Product.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProductFilter

    def get_queryset(self):
        return products_with_counts()

    @extend_schema(
        summary="Releases of a product, newest first in Cisco order",
        filters=True,
        responses={200: ReleaseSerializer(many=True), 400: ErrorSerializer, 404: ErrorSerializer},
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=ReleaseSerializer,
        filterset_class=ProductReleaseFilter,
        queryset=Release.objects.all(),  # what the filters are of (for the schema)
    )
    def releases(self, request: Request, pid: str) -> Response:
        """The release browser of one PID (a page is serialized once per catalog generation)."""

        def page() -> dict:
            product = get_object_or_404(Product, pid=pid)
            rows = filterset_qs(ProductReleaseFilter(request.query_params, queryset=releases_of_product(product)))
            return self.get_paginated_response(self.get_serializer(self.paginate_queryset(rows), many=True).data).data

        return Response(catalog_cached("api-product-releases", (request.build_absolute_uri(),), page))


class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Releases with their images; lists are ordered by PID, then newest first in Cisco order."""

    serializer_class = ReleaseSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReleaseFilterSet
    queryset = Release.objects.all()

    def get_queryset(self):
        return (
            Release.objects.select_related("product", "software_type")
            .prefetch_related(
                Prefetch("images", queryset=Image.objects.order_by("is_related", "name")),
                Prefetch(
                    "standards",
                    queryset=StandardRelease.objects.select_related("product", "family").order_by("site", "role"),
                ),
            )
            .order_by("product__pid", "-sort_key", "id")
        )


class ImageViewSet(viewsets.ReadOnlyModelViewSet):
    """Images of the catalog (filter by name, GUID or PID)."""

    serializer_class = ImageListSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ImageFilter
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
        responses={200: ImageSearchResultSerializer, **UPSTREAM_ERRORS},
    )
    @action(detail=False, methods=["post"], serializer_class=ImageSearchRequestSerializer, filter_backends=[])
    def search(self, request: Request) -> Response:
        """Ask the upstream, store what it answers, return the releases."""
        body = ImageSearchRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = upstream_call(
            image_search, pid=body.validated_data["pid"], image_names=body.validated_data["image_names"]
        )
        data = {"releases": result.releases, "invalid_images": list(result.invalid_images)}
        return Response(ImageSearchResultSerializer(data, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Status of image names (metadata/images, synchronous): deleted? deferred?",
        request=ImageStatusRequestSerializer,
        responses={200: ImageStatusSerializer(many=True), **UPSTREAM_ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        serializer_class=ImageStatusRequestSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def status(self, request: Request) -> Response:
        """Ask the upstream (five names per call), store the answers, return them."""
        body = ImageStatusRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rows = upstream_call(image_status_check, image_names=body.validated_data["image_names"])
        return Response(ImageStatusSerializer(rows, many=True, context=self.get_serializer_context()).data)
