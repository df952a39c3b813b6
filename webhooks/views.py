"""Pages: register, edit, test and delete webhooks; read the delivery log (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from webhooks import selectors, services
from webhooks.choices import WebhookEvent
from webhooks.forms import DeliveryFilterForm, WebhookForm
from webhooks.models import Webhook, WebhookDelivery

VIEW = "webhooks.view_webhook"
ADD = "webhooks.add_webhook"
CHANGE = "webhooks.change_webhook"
DELETE = "webhooks.delete_webhook"
VIEW_LOG = "webhooks.view_webhookdelivery"


@permission_required(VIEW, raise_exception=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """Every webhook with its delivery counts, and the form that registers one."""
    form = WebhookForm(request.POST or None, initial={"enabled": True})
    if request.method == "POST":
        if not request.user.has_perm(ADD):
            raise PermissionDenied
        if form.is_valid():
            try:
                webhook = services.webhook_create(**form.cleaned_data, created_by=request.user)
            except services.WebhookInvalid as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Webhook {webhook.name} registered. Its secret is not shown again.")
                return redirect(webhook.get_absolute_url())
    context = {"webhooks": selectors.webhooks_list(), "form": form, "events": WebhookEvent.choices}
    return render(request, "webhooks/webhook_list.html", context, status=400 if form.errors else 200)


@permission_required(VIEW, raise_exception=True)
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One webhook: edit it (the secret stays unless a new one is typed), its latest deliveries."""
    webhook = get_object_or_404(Webhook, pk=pk)
    initial = {"name": webhook.name, "url": webhook.url, "events": webhook.events, "enabled": webhook.enabled}
    form = WebhookForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.webhook_update(webhook=webhook, **form.cleaned_data)
            except services.WebhookInvalid as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"Webhook {webhook.name} saved.")
                return redirect(webhook.get_absolute_url())
    deliveries = selectors.deliveries_list(webhook_id=webhook.pk)[:20]
    context = {"webhook": webhook, "form": form, "deliveries": deliveries}
    return render(request, "webhooks/webhook_detail.html", context, status=400 if form.errors else 200)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a webhook.test delivery and show the webhook (its log shows the outcome)."""
    webhook = get_object_or_404(Webhook, pk=pk)
    delivery = services.webhook_test_send(webhook=webhook)
    messages.success(request, f"Test delivery {delivery.pk} queued.")
    return redirect(webhook.get_absolute_url())


@require_POST
@permission_required(DELETE, raise_exception=True)
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a webhook (its deliveries stay in the log)."""
    webhook = get_object_or_404(Webhook, pk=pk)
    services.webhook_delete(webhook=webhook)
    messages.success(request, f"Webhook {webhook.name} deleted.")
    return redirect("webhooks:webhook-list")


@permission_required(VIEW_LOG, raise_exception=True)
def delivery_list(request: HttpRequest) -> HttpResponse:
    """The delivery log: event, webhook, state, status code, attempts, last error."""
    form = DeliveryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    rows = selectors.deliveries_list(
        webhook_id=data.get("webhook"), event=data.get("event", ""), state=data.get("state", "")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"page": page, "deliveries": list(page), "form": form, "events": WebhookEvent.values}
    return render(request, "webhooks/delivery_list.html", context)


@permission_required(VIEW_LOG, raise_exception=True)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One delivery with the exact body that was signed and sent."""
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    return render(request, "webhooks/delivery_detail.html", {"delivery": delivery})


@require_POST
@permission_required(CHANGE, raise_exception=True)
def delivery_redeliver(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the same body again as a new delivery."""
    delivery = services.webhook_delivery_redeliver(delivery=get_object_or_404(WebhookDelivery, pk=pk))
    if delivery is None:
        messages.error(request, "The webhook of this delivery was deleted.")
        return redirect("webhooks:delivery-detail", pk=pk)
    messages.success(request, f"Delivery {delivery.pk} queued with the same body.")
    return redirect("webhooks:delivery-detail", pk=delivery.pk)
