"""Page forms: they only coerce types; the rules of an answer live in compliance.decisions (one place)."""

from __future__ import annotations

from django import forms

from compliance.decisions import MAX_COMMENTS, MAX_FILE_NAMES, DecisionInput


class DecisionForm(forms.Form):
    """The officer's answer to the form shown (which button was pressed is ``status``)."""

    snapshot = forms.IntegerField(widget=forms.HiddenInput)
    shown_sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)
    status = forms.CharField(max_length=20)
    comments = forms.CharField(required=False, max_length=MAX_COMMENTS, widget=forms.Textarea)
    file_names = forms.CharField(required=False, max_length=MAX_FILE_NAMES)
    bus_function = forms.CharField(required=False, max_length=64)
    gov_mil_countries = forms.CharField(required=False, max_length=64)
    confirm = forms.BooleanField(required=False)

    def to_input(self, kind: str) -> DecisionInput:
        """The cleaned answer as the service takes it."""
        data = self.cleaned_data
        return DecisionInput(
            kind=kind,
            snapshot_id=data["snapshot"],
            status=data["status"],
            comments=data["comments"],
            file_names=data["file_names"],
            bus_function=data["bus_function"],
            gov_mil_countries=data["gov_mil_countries"],
            confirm=data["confirm"],
            shown_sha256=data["shown_sha256"],
        )
