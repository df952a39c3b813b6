"""Filters of the webhooks API's lists (several values of a parameter are OR-ed)."""

from __future__ import annotations

from portal.core.api.filters import (
    MultiValueCharFilter,
    MultiValueChoiceFilter,
    MultiValueIntegerFilter,
    StrictBooleanFilter,
    StrictFilterSet,
)
from webhooks.choices import TEST_EVENT, DeliveryState, WebhookEvent
from webhooks.models import Webhook, WebhookDelivery


class WebhookFilter(StrictFilterSet):
    """Webhooks by id, name and whether they are enabled."""

    id = MultiValueIntegerFilter(field_name="id", label="Webhook id")
    name = MultiValueCharFilter(field_name="name", label="Name")
    enabled = StrictBooleanFilter(field_name="enabled", label="Enabled")

    class Meta:
        model = Webhook
        fields = ["id", "name", "enabled"]


class DeliveryFilter(StrictFilterSet):
    """Deliveries by id, webhook (id), event and state."""

    id = MultiValueIntegerFilter(field_name="id", label="Delivery id")
    webhook = MultiValueIntegerFilter(field_name="webhook_id", label="Webhook id")
    event = MultiValueChoiceFilter(choices=[*WebhookEvent.choices, (TEST_EVENT, "A test event")], label="Event")
    state = MultiValueChoiceFilter(choices=DeliveryState.choices, label="State")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "webhook", "event", "state"]
