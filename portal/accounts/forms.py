from django import forms


class TokenActionForm(forms.Form):
    """Create (rotate) or revoke the user's own API token."""

    action = forms.ChoiceField(choices=[("create", "Create a new token"), ("revoke", "Revoke my token")])
