"""Everything that changes webhooks and deliveries (views, the API, the admin and tasks call these)."""

from webhooks.services.deliveries import (
    webhook_deliveries_reconcile,
    webhook_deliveries_sweep,
    webhook_delivery_redeliver,
    webhook_delivery_send,
    webhook_event_emit,
    webhook_subscribers,
    webhook_test_send,
)
from webhooks.services.webhooks import (
    WebhookInvalid,
    webhook_create,
    webhook_delete,
    webhook_events_clean,
    webhook_update,
    webhook_url_check,
    webhook_values_clean,
)

__all__ = [
    "WebhookInvalid",
    "webhook_create",
    "webhook_deliveries_reconcile",
    "webhook_deliveries_sweep",
    "webhook_delete",
    "webhook_delivery_redeliver",
    "webhook_delivery_send",
    "webhook_event_emit",
    "webhook_events_clean",
    "webhook_subscribers",
    "webhook_test_send",
    "webhook_update",
    "webhook_url_check",
    "webhook_values_clean",
]
