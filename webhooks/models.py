"""Webhooks (where events are sent) and their deliveries (one row per event per webhook: the log, and the truth
about what is still to send)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from webhooks.choices import FINAL_DELIVERY_STATES, DeliveryState


class Webhook(models.Model):
    """A target that receives the events it subscribes to as signed JSON POSTs.

    ``secret`` signs every body (HMAC-SHA256); it is kept to sign, and shown nowhere after it was set (write-only in
    the API and on pages, masked in the admin). ``url`` may itself hold a credential (chat services put one in the
    path), so logs show it redacted.
    """

    name = models.CharField(max_length=100, unique=True)
    url = models.CharField(max_length=2048, help_text="Where events are POSTed; its host must be allowed.")
    secret = models.CharField(max_length=255, help_text="Signs each body (X-Depot-Signature); never shown again.")
    events = models.JSONField(default=list, help_text="Event names this webhook receives.")
    enabled = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("webhooks:webhook-detail", args=[self.pk])


class WebhookDelivery(models.Model):
    """One event for one webhook: the exact body sent, and every attempt's outcome.

    Written before it is enqueued (the database is the truth); a task owns it while ``state`` is ``sending`` with
    its ``run_id``. ``webhook_name`` stays when the webhook is deleted, so the log still reads.
    """

    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    webhook_name = models.CharField(max_length=100)
    event = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    body = models.TextField(help_text="The JSON body, byte for byte as signed and sent (UTF-8).")
    state = models.CharField(max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Of the last answer.")
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    run_id = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"]), models.Index(fields=["event"])]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"delivery {self.pk}: {self.event} to {self.webhook_name} ({self.state})"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_DELIVERY_STATES
