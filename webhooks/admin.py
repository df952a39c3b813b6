"""Admin: webhooks with their secret masked (typed, never shown), the delivery log read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from webhooks import services
from webhooks.choices import WebhookEvent
from webhooks.models import Webhook, WebhookDelivery

_FIELDS = ("name", "url", "events", "enabled")


class WebhookAdminForm(forms.ModelForm):
    """The secret is a password field that shows nothing; left empty on a change, the current one stays."""

    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Signs every delivery; at least 16 characters. Not shown; leave empty to keep the current one.",
    )
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ["name", "url", "secret", "events", "enabled"]

    def clean(self) -> dict:
        data = super().clean()
        values = {key: data[key] for key in _FIELDS if key in data}
        if data.get("secret") or self.instance.pk is None:
            values["secret"] = data.get("secret") or ""
        try:
            services.webhook_values_clean(values, webhook=self.instance if self.instance.pk else None)
        except services.WebhookInvalid as exc:
            for field, problems in exc.fields.items():
                self.add_error(field if field in self.fields else None, problems)
        return data

    def _post_clean(self) -> None:
        # The services save the row with their own rules (WebhookAdmin.save_model); the instance is not filled in
        # from the form, so an empty secret never reaches it.
        return


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookAdminForm
    list_display = ("name", "enabled", "events", "created_at", "updated_at")
    list_filter = ("enabled",)
    search_fields = ("name",)
    actions = ["send_test"]

    def save_model(self, request, obj: Webhook, form: WebhookAdminForm, change: bool) -> None:
        values = {key: form.cleaned_data[key] for key in _FIELDS}
        secret = form.cleaned_data.get("secret") or ""
        if change:
            saved = services.webhook_update(webhook=obj, secret=secret, **values)
        else:
            saved = services.webhook_create(secret=secret, created_by=request.user, **values)
        for field in Webhook._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))

    def delete_model(self, request, obj: Webhook) -> None:
        services.webhook_delete(webhook=obj)

    def delete_queryset(self, request, queryset) -> None:
        for webhook in queryset:
            services.webhook_delete(webhook=webhook)

    @admin.action(description="Send a test event")
    def send_test(self, request, queryset) -> None:
        for webhook in queryset:
            delivery = services.webhook_test_send(webhook=webhook)
            self.message_user(request, f"{webhook.name}: test delivery {delivery.pk} queued.", messages.INFO)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("pk", "event", "webhook_name", "state", "status_code", "attempts", "created_at", "finished_at")
    list_filter = ("state", "event")
    search_fields = ("webhook_name", "event", "last_error")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
