"""API shapes of webhooks (the secret is write-only) and of the delivery log."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from portal.core.api.fields import ApiUrlField, DisplayField
from portal.core.api.serializers import ModelSerializer
from webhooks.choices import WebhookEvent
from webhooks.models import Webhook, WebhookDelivery

_EVENTS_HELP = "Event names: " + ", ".join(WebhookEvent.values)


class WebhookSerializer(ModelSerializer):
    """A webhook as the API shows it: never its secret. ``url`` is the webhook in this API; events are POSTed to
    ``payload_url`` (NetBox's names)."""

    url = ApiUrlField("api-webhook-detail")
    display = DisplayField(help_text="The webhook's name")
    payload_url = serializers.CharField(source="url", help_text="Where events are POSTed.")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    events = serializers.ListField(child=serializers.CharField(), help_text=_EVENTS_HELP)

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "display",
            "name",
            "payload_url",
            "events",
            "enabled",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="Webhook")
class WebhookCreateSerializer(serializers.Serializer):
    """POST /webhooks/: the target must be in PORTAL_ALLOWED_WEBHOOK_HOSTS; the secret is never shown again."""

    name = serializers.CharField(max_length=200)
    payload_url = serializers.CharField(max_length=4096, help_text="http(s) URL events are POSTed to (no redirects).")
    secret = serializers.CharField(write_only=True, max_length=1024, help_text="Signs every body; 16+ characters.")
    events = serializers.ListField(child=serializers.CharField(max_length=100), help_text=_EVENTS_HELP)
    enabled = serializers.BooleanField(required=False, default=True)


@extend_schema_serializer(component_name="WebhookUpdate")
class WebhookUpdateSerializer(WebhookCreateSerializer):
    """PUT/PATCH /webhooks/{id}/: leave ``secret`` out (or empty) to keep the current one."""

    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=1024, help_text="A new secret (16+ characters)."
    )
    enabled = serializers.BooleanField(required=False)


def delivery_display(delivery: WebhookDelivery) -> str:
    """A delivery's short label: its number, event and webhook."""
    return f"#{delivery.pk} {delivery.event} to {delivery.webhook_name}"


@extend_schema_serializer(component_name="WebhookDelivery")
class DeliverySerializer(ModelSerializer):
    """One event sent (or being sent) to one webhook, with the outcome of its last attempt."""

    url = ApiUrlField("api-webhook-delivery-detail")
    display = DisplayField(delivery_display, help_text="Number, event and webhook")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "url",
            "display",
            "webhook",
            "webhook_name",
            "event",
            "occurred_at",
            "state",
            "attempts",
            "status_code",
            "last_error",
            "next_attempt_at",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields


@extend_schema_serializer(component_name="WebhookDeliveryDetail")
class DeliveryDetailSerializer(DeliverySerializer):
    """A delivery with the exact body that is signed and sent."""

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "body"]
        read_only_fields = fields
