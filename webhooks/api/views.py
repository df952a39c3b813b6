"""Webhooks API: administrators register targets, send tests and read the delivery log."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from portal.core.api.exceptions import ServiceError
from portal.core.api.permissions import ModelPermissionsWithView, needs
from portal.core.api.schemas import ErrorSerializer
from webhooks import services
from webhooks.api.serializers import (
    DeliveryDetailSerializer,
    DeliverySerializer,
    WebhookCreateSerializer,
    WebhookSerializer,
    WebhookUpdateSerializer,
)
from webhooks.filters import DeliveryFilter, WebhookFilter
from webhooks.models import Webhook, WebhookDelivery

_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
CHANGE_WEBHOOK = "webhooks.change_webhook"


def _invalid(exc: services.WebhookInvalid) -> serializers.ValidationError:
    """The services' problems by API field (the target is ``payload_url`` here, ``url`` in the model)."""
    return serializers.ValidationError({_API_NAMES.get(key, key): value for key, value in exc.fields.items()})


_API_NAMES = {"url": "payload_url"}


def _values(data: dict) -> dict:
    """The validated input as the services name it."""
    return {{v: k for k, v in _API_NAMES.items()}.get(key, key): value for key, value in data.items()}


@extend_schema_view(
    list=extend_schema(summary="List webhooks"),
    retrieve=extend_schema(summary="A webhook (never its secret)", responses={200: WebhookSerializer, **_ERRORS}),
    destroy=extend_schema(summary="Delete a webhook (its delivery log stays)", responses={204: None, **_ERRORS}),
)
class WebhookViewSet(viewsets.ModelViewSet):
    """Webhooks: targets that receive events as signed JSON POSTs (administrators only)."""

    queryset = Webhook.objects.select_related("created_by").order_by("name", "pk")
    serializer_class = WebhookSerializer
    permission_classes = [ModelPermissionsWithView]
    lookup_value_regex = r"\d+"
    filterset_class = WebhookFilter
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]

    @extend_schema(
        summary="Register a webhook",
        description="The URL's host must be in PORTAL_ALLOWED_WEBHOOK_HOSTS (else 400 naming it). The secret is "
        "write-only: it signs every delivery and is never shown again.",
        request=WebhookCreateSerializer,
        responses={201: WebhookSerializer, **_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = WebhookCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            webhook = services.webhook_create(**_values(data.validated_data), created_by=request.user)
        except services.WebhookInvalid as exc:
            raise _invalid(exc) from None
        return Response(self.get_serializer(webhook).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a webhook (leave the secret out to keep it)",
        request=WebhookUpdateSerializer,
        responses={200: WebhookSerializer, **_ERRORS},
    )
    def update(self, request: Request, pk: str | None = None, partial: bool = False) -> Response:
        webhook = self.get_object()
        data = WebhookUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        try:
            webhook = services.webhook_update(webhook=webhook, **_values(data.validated_data))
        except services.WebhookInvalid as exc:
            raise _invalid(exc) from None
        return Response(self.get_serializer(webhook).data)

    @extend_schema(
        summary="Change some fields of a webhook",
        request=WebhookUpdateSerializer,
        responses={200: WebhookSerializer, **_ERRORS},
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self.update(request, pk, partial=True)

    def perform_destroy(self, instance: Webhook) -> None:
        services.webhook_delete(webhook=instance)

    @extend_schema(
        summary="Send a test event (webhook.test) now",
        description="Queues a delivery whose data is this webhook (without its secret); answers 202 with it. Works "
        "while the webhook is disabled, to try a target first.",
        request=None,
        responses={202: DeliverySerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[needs(CHANGE_WEBHOOK)])
    def test(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.webhook_test_send(webhook=self.get_object())
        return Response(
            DeliverySerializer(delivery, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED
        )


@extend_schema_view(
    list=extend_schema(summary="The delivery log (newest first)"),
    retrieve=extend_schema(summary="A delivery with its body", responses={200: DeliveryDetailSerializer, **_ERRORS}),
)
class DeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Deliveries: every event sent to every webhook: status code, attempts, last error."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = DeliverySerializer
    permission_classes = [ModelPermissionsWithView]
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at", "occurred_at", "state"]

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        rows = super().get_queryset().order_by("-created_at", "-pk")
        return rows.defer("body") if self.action == "list" else rows

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return DeliveryDetailSerializer if self.action == "retrieve" else DeliverySerializer

    @extend_schema(
        summary="Send the same body again, as a new delivery",
        request=None,
        responses={202: DeliverySerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"], permission_classes=[needs(CHANGE_WEBHOOK)])
    def redeliver(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.webhook_delivery_redeliver(delivery=self.get_object())
        if delivery is None:
            raise ServiceError("The webhook of this delivery was deleted.", code="webhook_deleted", status_code=409)
        return Response(
            DeliverySerializer(delivery, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED
        )
