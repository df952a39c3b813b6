"""Reads of webhooks and deliveries for pages and the API."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from webhooks.choices import DeliveryState
from webhooks.models import Webhook, WebhookDelivery


def webhooks_list() -> QuerySet[Webhook]:
    """Webhooks with their delivery counts (failed ones apart) and their last delivery's time."""
    return Webhook.objects.annotate(
        delivery_count=Count("deliveries"),
        failed_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
        last_delivery_at=Max("deliveries__created_at"),
    ).order_by("name", "pk")


def deliveries_list(*, webhook_id: int | None = None, event: str = "", state: str = "") -> QuerySet[WebhookDelivery]:
    """The delivery log, newest first, filtered; the body is left out (it can be large)."""
    rows = WebhookDelivery.objects.defer("body")
    if webhook_id is not None:
        rows = rows.filter(webhook_id=webhook_id)
    if event:
        rows = rows.filter(event=event)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-pk")
