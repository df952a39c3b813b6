"""Forms of the webhooks pages (the rules themselves are in webhooks.services)."""

from __future__ import annotations

from django import forms

from webhooks.choices import DeliveryState, WebhookEvent
from webhooks.services import WebhookInvalid


class WebhookForm(forms.Form):
    """Register or edit a webhook; on edit an empty secret keeps the current one (it is never shown)."""

    name = forms.CharField(max_length=200)
    url = forms.CharField(max_length=4096, label="URL", help_text="Events are POSTed here; redirects are not followed.")
    secret = forms.CharField(
        max_length=1024,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Signs every delivery (X-Depot-Signature); at least 16 characters. It is not shown again.",
    )
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)
    enabled = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["secret"].required = False
            self.fields["secret"].help_text = "Leave empty to keep the current secret (it is not shown)."

    def add_service_errors(self, exc: WebhookInvalid) -> None:
        """Show the service's refusal on the fields it names."""
        for field, problems in exc.fields.items():
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)


class DeliveryFilterForm(forms.Form):
    """Filters of the delivery log."""

    event = forms.CharField(required=False, max_length=40)
    state = forms.ChoiceField(required=False, choices=[("", "any"), *DeliveryState.choices])
    webhook = forms.IntegerField(required=False, min_value=1)
