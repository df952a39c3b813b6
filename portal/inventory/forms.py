"""Forms of the inventory pages."""

from __future__ import annotations

from django import forms

from portal.inventory.choices import OsFamily
from portal.inventory.models import Device
from portal.inventory.services.devices import DeviceInvalid, device_input
from portal.inventory.services.fields import COLUMNS, DEVICE_FIELDS, DeviceField, DeviceInput
from portal.inventory.services.show import PLATFORMS


def _form_field(spec: DeviceField) -> forms.Field:
    """A lax form field for one device field: the rules are applied by the one validation of every entry."""
    attrs: dict[str, object] = {"required": True} if spec.required else {}
    if spec.name == "os_family":
        choices = [("", "guess from the PID"), *OsFamily.choices]
        return forms.ChoiceField(label=spec.label, choices=choices, required=False, help_text=spec.doc)
    if spec.name == "notes":
        widget: forms.Widget = forms.Textarea(attrs={"rows": 3})
    elif spec.name in ("memory_mb", "flash_mb"):
        widget = forms.TextInput(attrs={**attrs, "inputmode": "numeric"})
    else:
        widget = forms.TextInput(attrs=attrs)
    field = forms.CharField(label=spec.label, required=False, widget=widget, help_text=spec.doc, strip=False)
    field.validators = []  # Django's own (null characters) would answer before the shared rules do
    return field


class DeviceForm(forms.Form):
    """Create or edit one device: every field of DEVICE_FIELDS, tags as one comma-separated text."""

    def __init__(self, data: object = None, *, device: Device) -> None:
        self.device = device
        self.entry: DeviceInput | None = None
        initial = {}
        if device.pk:
            initial = {name: getattr(device, name) for name in COLUMNS if name != "tags"}
            initial["tags"] = ", ".join(device.tag_names)
        super().__init__(data, initial=initial)
        for spec in DEVICE_FIELDS:
            self.fields[spec.name] = _form_field(spec)

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            self.entry = device_input(raw={name: cleaned.get(name, "") for name in COLUMNS}, device=self.device)
        except DeviceInvalid as exc:
            for column, message in exc.problems:
                self.add_error(column if column in self.fields else None, message)
        return cleaned


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
