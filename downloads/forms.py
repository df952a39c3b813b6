"""Forms of the downloads pages."""

from __future__ import annotations

from django import forms

from portal.inventory.models import Device


class JobRequestForm(forms.Form):
    """The release browser's "Download" button (hidden fields) or a typed request."""

    pid = forms.CharField(max_length=100)
    image_name = forms.CharField(max_length=255, strip=False)
    image_guid = forms.CharField(max_length=64, required=False)
    mdf_id = forms.CharField(max_length=32, required=False)
    next = forms.CharField(max_length=500, required=False)


class JobFilterForm(forms.Form):
    """Filters of the jobs list."""

    state = forms.CharField(required=False)
    pid = forms.CharField(required=False, max_length=100)
    q = forms.CharField(required=False, max_length=255, label="Image name")


class FleetDownloadForm(forms.Form):
    """Request the target images of selected devices (or of every device the device list's filters match)."""

    device = forms.ModelMultipleChoiceField(queryset=Device.objects.all(), required=False)
    all_matching = forms.BooleanField(required=False)
    query = forms.CharField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(max_length=500, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("all_matching") and not data.get("device"):
            raise forms.ValidationError("Select devices first.")
        return data
