"""Catalog API: standard (golden) releases."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from rest_framework import viewsets

from portal.catalog.api.serializers import (
    StandardSerializer,
)
from portal.catalog.models import StandardRelease
from portal.catalog.services.standards import standard_release_delete, standard_release_set, standard_release_update
from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import ModelPermissionsWithView


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
