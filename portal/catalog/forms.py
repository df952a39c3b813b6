"""Forms of the catalog pages."""

from __future__ import annotations

from django import forms

from portal.catalog.models import Release, SoftwareType
from portal.cisco.client import MAX_IMAGES


class ReleaseFilterForm(forms.Form):
    """The release browser's filters (GET)."""

    above = forms.CharField(required=False, label="Above release", help_text="e.g. 17.9.4a")
    suggested = forms.BooleanField(required=False, label="Suggested only")
    software_type = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Software type")
    hide_deleted = forms.BooleanField(required=False, label="Hide deleted")
    all = forms.BooleanField(required=False, label="Show all releases")

    def __init__(self, *args: object, software_types: list[SoftwareType] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Choices from the types the page already loaded: no second query when the select renders.
        choices = [("", "any")] + [(t.pk, t.name) for t in software_types or []]
        self.fields["software_type"].choices = choices


class StandardForm(forms.Form):
    """Mark a release as the standard for its product, optionally for one site and/or role."""

    release = forms.ModelChoiceField(queryset=Release.objects.select_related("product"), widget=forms.HiddenInput)
    site = forms.CharField(required=False, max_length=100, help_text="Empty: every site")
    role = forms.CharField(required=False, max_length=100, help_text="Empty: every role")
    note = forms.CharField(required=False, max_length=255)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


def _names(text: str) -> list[str]:
    names = list(dict.fromkeys(text.replace(",", " ").split()))
    if not 1 <= len(names) <= MAX_IMAGES:
        raise forms.ValidationError(f"Give between 1 and {MAX_IMAGES} image names.")
    return names


class ImageSearchForm(forms.Form):
    """metadata/pidimage: a PID and up to five image names."""

    pid = forms.CharField(max_length=64, label="PID")
    names = forms.CharField(label="Image names", help_text="Up to 5, separated by spaces or commas")

    def clean_names(self) -> list[str]:
        return _names(self.cleaned_data["names"])


class ImageStatusForm(forms.Form):
    """metadata/images: the status of image names (any number; asked five at a time)."""

    names = forms.CharField(
        label="Image names", widget=forms.Textarea(attrs={"rows": 3}), help_text="Separated by spaces, commas or lines"
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_names(self) -> list[str]:
        names = list(dict.fromkeys(self.cleaned_data["names"].replace(",", " ").split()))
        if not names or len(names) > 50:
            raise forms.ValidationError("Give between 1 and 50 image names.")
        return names
