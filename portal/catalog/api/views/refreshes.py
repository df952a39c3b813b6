"""Catalog API: refreshes (start one, follow it, retry its failed pairs)."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.catalog.api.serializers import RefreshDetailSerializer, RefreshSerializer
from portal.catalog.choices import PairState, RefreshTrigger
from portal.catalog.filters import RefreshFilter
from portal.catalog.models import CatalogRefresh, CatalogRefreshPair
from portal.catalog.services.refresh import (
    Queued,
    RefreshRefused,
    catalog_refresh_queue,
    catalog_refresh_retry,
    inventory_pairs,
)
from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import needs
from portal.core.api.schemas import ErrorSerializer


class RefreshViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Catalog refreshes: start one (202; while one is active the inventory's pairs join it, and that one is
    answered), follow its progress, see each failed pair with the upstream's answer, retry them."""

    serializer_class = RefreshSerializer
    queryset = CatalogRefresh.objects.all()
    filter_backends = [DjangoFilterBackend]
    filterset_class = RefreshFilter

    def get_permissions(self):
        if self.action in ("create", "retry"):
            return [needs("catalog.refresh_catalog")()]
        return [needs("catalog.view_release")()]

    def get_serializer_class(self):
        return RefreshDetailSerializer if self.action == "retrieve" else RefreshSerializer

    def get_queryset(self):
        rows = CatalogRefresh.objects.select_related("requested_by").order_by("-created")
        if self.action == "retrieve":
            failed = CatalogRefreshPair.objects.filter(state=PairState.FAILED).order_by("pid", "current_release")
            rows = rows.prefetch_related(Prefetch("pairs", queryset=failed, to_attr="failed_pairs"))
        return rows

    def _accepted(self, request: Request, queued: Queued) -> Response:
        body = RefreshSerializer(queued.refresh, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @extend_schema(request=None, responses={202: RefreshSerializer, 403: ErrorSerializer})
    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        pairs = inventory_pairs()
        return self._accepted(
            request, catalog_refresh_queue(pairs=pairs, trigger=RefreshTrigger.API, requested_by=request.user)
        )

    @extend_schema(
        summary="Retry the failed pairs of a finished refresh",
        description="The pairs (those devices still have) join the active refresh or start a new one, which is "
        "answered with 202. 409 while the refresh runs or when it has nothing to retry.",
        request=None,
        responses={202: RefreshSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        refresh = self.get_object()
        try:
            queued = catalog_refresh_retry(refresh_id=refresh.pk, requested_by=request.user)
        except RefreshRefused as exc:
            raise ServiceError(exc.message, code=exc.code, status_code=status.HTTP_409_CONFLICT) from None
        return self._accepted(request, queued)
