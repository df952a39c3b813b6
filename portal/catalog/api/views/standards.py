"""Catalog API: standard (golden) releases and the image families they can be set for."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets

from portal.catalog.api.serializers import ImageFamilySerializer, StandardSerializer
from portal.catalog.filters import ImageFamilyFilter, StandardFilter
from portal.catalog.models import ImageFamily, Product, StandardRelease
from portal.catalog.services.standards import (
    StandardExists,
    standard_release_delete,
    standard_release_set,
    standard_release_update,
)
from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import ModelPermissionsWithView, needs
from portal.core.api.schemas import ErrorSerializer


def _conflict(exc: StandardExists) -> ServiceError:
    existing = exc.existing
    return ServiceError(
        f"{exc} Change it with PUT or PATCH /api/v1/catalog/standards/{existing.pk}/.",
        code="standard_exists",
        status_code=status.HTTP_409_CONFLICT,
        extra={"existing_id": existing.pk},
    )


def _invalid(exc: ValidationError) -> ServiceError:
    return ServiceError(" ".join(exc.messages), code="invalid_standard")


_CONFLICT = OpenApiResponse(
    inline_serializer(
        name="StandardConflict",
        fields={
            "code": serializers.CharField(help_text="standard_exists"),
            "message": serializers.CharField(help_text="Which standard covers the scope, and how to change it."),
            "existing_id": serializers.IntegerField(help_text="The id of the standard that covers the scope."),
        },
    ),
    description="A standard already covers that scope; it is left as it was (change it with PUT or PATCH)",
)


@extend_schema_view(
    create=extend_schema(responses={201: StandardSerializer, 400: ErrorSerializer, 409: _CONFLICT}),
    update=extend_schema(responses={200: StandardSerializer, 400: ErrorSerializer, 409: _CONFLICT}),
    partial_update=extend_schema(responses={200: StandardSerializer, 400: ErrorSerializer, 409: _CONFLICT}),
)
class StandardViewSet(viewsets.ModelViewSet):
    """Standard (golden) releases per PID or image family, optionally scoped to a site and/or a role."""

    serializer_class = StandardSerializer
    permission_classes = [ModelPermissionsWithView]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = StandardFilter
    queryset = StandardRelease.objects.all()

    def get_queryset(self):
        return StandardRelease.objects.select_related("product", "family", "release", "created_by").order_by(
            "family__key", "product__pid", "site", "role"
        )

    def perform_create(self, serializer: StandardSerializer) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = standard_release_set(
                release=data["release"],
                family=data.get("family"),
                site=data.get("site", ""),
                role=data.get("role", ""),
                note=data.get("note", ""),
                user=self.request.user,
            )
        except StandardExists as exc:
            raise _conflict(exc) from None
        except ValidationError as exc:
            raise _invalid(exc) from None

    def perform_update(self, serializer: StandardSerializer) -> None:
        data = serializer.validated_data
        standard = serializer.instance
        try:
            serializer.instance = standard_release_update(
                standard=standard,
                release=data.get("release", standard.release),
                family=data["family"] if "family" in data else standard.family,
                site=data.get("site", standard.site),
                role=data.get("role", standard.role),
                note=data.get("note", standard.note),
            )
        except StandardExists as exc:
            raise _conflict(exc) from None
        except ValidationError as exc:
            raise _invalid(exc) from None

    def perform_destroy(self, instance: StandardRelease) -> None:
        standard_release_delete(standard=instance)


class ImageFamilyViewSet(viewsets.ReadOnlyModelViewSet):
    """Image families: the PIDs whose releases ship image files of one name stem (``cat9k_iosxe``), derived from
    the catalog; a standard can be set for one (``family`` of a standard)."""

    serializer_class = ImageFamilySerializer
    permission_classes = [needs("catalog.view_release")]  # derived from the catalog, readable with it
    lookup_field = "key"
    lookup_value_regex = r"[^/]+"
    queryset = ImageFamily.objects.all()
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ImageFamilyFilter

    def get_queryset(self):
        products = Prefetch("products", queryset=Product.objects.order_by("pid").only("id", "pid"))
        return ImageFamily.objects.filter(products__isnull=False).distinct().prefetch_related(products)
