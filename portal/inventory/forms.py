"""Forms of the inventory pages."""

from __future__ import annotations

from django import forms

from portal.inventory.choices import OsFamily
from portal.inventory.models import Device
from portal.inventory.services.fields import HOSTNAME_RE, PID_RE, TAG_RE, split_tags
from portal.inventory.services.show import PLATFORMS


class DeviceForm(forms.ModelForm):
    """Create or edit one device; tags as one comma-separated field."""

    tags_text = forms.CharField(label="Tags", required=False, help_text="Comma-separated, e.g. core, pci")

    class Meta:
        model = Device
        fields = [
            "hostname",
            "pid",
            "serial",
            "current_release",
            "running_image",
            "os_family",
            "site",
            "role",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())

    def clean_hostname(self) -> str:
        value = self.cleaned_data["hostname"].strip()
        if not HOSTNAME_RE.fullmatch(value):
            raise forms.ValidationError("Letters, digits, dots, dashes, underscores and colons only.")
        return value

    def clean_pid(self) -> str:
        value = self.cleaned_data["pid"].strip()
        if not PID_RE.fullmatch(value):
            raise forms.ValidationError("Not a Cisco PID (no spaces).")
        return value

    def clean_tags_text(self) -> list[str]:
        tags = split_tags(self.cleaned_data.get("tags_text", ""))
        bad = [t for t in tags if not TAG_RE.fullmatch(t)]
        if bad:
            raise forms.ValidationError(f"Invalid tag {bad[0]!r}.")
        return tags


class CsvImportForm(forms.Form):
    """Upload a CSV of devices."""

    file = forms.FileField(label="CSV file")
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows and skip the others (default: refuse the whole file)"
    )


class ShowVersionForm(forms.Form):
    """Paste show version (and show inventory) of one device."""

    show_version = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), label="show version")
    show_inventory = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, label="show inventory (for PID and serial number)"
    )
    platform = forms.ChoiceField(choices=[("auto", "detect"), *PLATFORMS.items()], initial="auto")
    hostname = forms.CharField(required=False, help_text="Leave empty to use the hostname in the output")
    site = forms.CharField(required=False)
    role = forms.CharField(required=False)
    tags = forms.CharField(required=False, help_text="Comma-separated")


class OsFamilyField(forms.ChoiceField):
    """OS family select (kept here for reuse by other forms)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(choices=OsFamily.choices, **kwargs)
