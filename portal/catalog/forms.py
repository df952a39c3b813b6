"""Forms of the catalog pages."""

from __future__ import annotations

from django import forms
from django.db.models import Count

from portal.catalog.models import ImageFamily, Release, SoftwareType
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
    """Mark a release as the standard for its PID or one of its image families (the release list's quick form),
    optionally for one site and/or role."""

    release = forms.ModelChoiceField(queryset=Release.objects.select_related("product"), widget=forms.HiddenInput)
    family = forms.ModelChoiceField(
        queryset=ImageFamily.objects.all(), to_field_name="key", required=False, empty_label="this PID only"
    )
    site = forms.CharField(required=False, max_length=100, help_text="Empty: every site")
    role = forms.CharField(required=False, max_length=100, help_text="Empty: every role")
    note = forms.CharField(required=False, max_length=255)
    replace = forms.BooleanField(required=False, label="Replace the standard already set for this scope")
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class FamilyChoiceField(forms.ModelChoiceField):
    """Image families, labelled as people name them with their stem and size."""

    def label_from_instance(self, obj: ImageFamily) -> str:
        size = obj.size
        return f"{obj.display} ({obj.key}, {size} PID{'' if size == 1 else 's'})"


class StandardAddForm(forms.Form):
    """The standards page's add form: a PID or an image family, a release by its version, a site and/or role."""

    scope = forms.ChoiceField(
        choices=[("pid", "One PID"), ("family", "An image family")], initial="pid", widget=forms.RadioSelect
    )
    pid = forms.CharField(required=False, max_length=64, label="PID", help_text="e.g. C9300-24P")
    family = FamilyChoiceField(
        queryset=ImageFamily.objects.filter(products__isnull=False)
        .annotate(size=Count("products", distinct=True))
        .order_by("name", "key"),
        to_field_name="key",
        required=False,
        label="Image family",
        help_text="Every PID whose releases ship image files of that name",
    )
    version = forms.CharField(max_length=64, label="Release", help_text="e.g. 17.9.4a (17.09.04a is the same)")
    site = forms.CharField(required=False, max_length=100, help_text="Empty: every site")
    role = forms.CharField(required=False, max_length=100, help_text="Empty: every role")
    note = forms.CharField(required=False, max_length=255)
    replace = forms.BooleanField(required=False, label="Replace the standard already set for this scope")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("scope") == "family":
            if not data.get("family"):
                self.add_error("family", "Choose the image family.")
            data["pid"] = ""
        else:
            data["family"] = None
            if not (data.get("pid") or "").strip():
                self.add_error("pid", "Give the PID.")
        return data


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
