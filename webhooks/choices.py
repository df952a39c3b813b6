"""Events a webhook can subscribe to, and where a delivery is."""

from __future__ import annotations

from django.db import models


class WebhookEvent(models.TextChoices):
    """What happened; ``data`` of each event has the shape the REST API gives that object (see the README)."""

    DOWNLOAD_STORED = "download.stored", "A download job stored its verified image"
    DOWNLOAD_FAILED = "download.failed", "A download job failed"
    COMPLIANCE_WAITING = "compliance.waiting", "A download job started waiting on a K9/EULA form"
    COMPLIANCE_DECIDED = "compliance.decided", "An officer's decision on a K9/EULA form was recorded"
    CATALOG_CHANGED = (
        "catalog.changed",
        "A PID in the fleet got a new suggested release, or a release it runs was deferred, deleted or PSIRT-flagged",
    )  # noqa: E501


# Sent only by "send test"; nobody subscribes to it.
TEST_EVENT = "webhook.test"


class DeliveryState(models.TextChoices):
    """pending (waiting for its next attempt) -> sending -> delivered | failed; cancelled when its webhook was
    disabled or deleted before it could be sent."""

    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINAL_DELIVERY_STATES = frozenset({DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.CANCELLED})
