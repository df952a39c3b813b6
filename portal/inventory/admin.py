from django import forms
from django.contrib import admin

from portal.inventory.models import Device, Tag
from portal.inventory.services.fields import COLUMNS


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class DeviceAdminForm(forms.ModelForm):
    """The admin's device form, checked with the rules of every other entry."""

    class Meta:
        model = Device
        fields = [*COLUMNS, "source", "netbox_id"]

    def clean(self) -> dict:
        from portal.inventory.services.devices import DeviceInvalid, device_input

        cleaned = super().clean()
        raw = {name: cleaned.get(name) for name in COLUMNS if name in self.fields and name != "tags"}
        try:
            self.entry = device_input(raw=raw, device=self.instance)
        except DeviceInvalid as exc:
            for column, message in exc.problems:
                self.add_error(column if column in self.fields else None, message)
        return cleaned


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    form = DeviceAdminForm
    list_display = ["hostname", "pid", "current_release", "os_family", "site", "role", "source", "updated"]
    list_filter = ["os_family", "source"]
    search_fields = ["hostname", "serial", "pid", "running_image"]
    autocomplete_fields = ["tags"]
    readonly_fields = ["release_key", "created", "updated"]
    list_per_page = 100
    show_full_result_count = False  # counting 100,000 rows on every admin page is wasted work

    def save_model(self, request, obj, form, change) -> None:  # noqa: ANN001 - Django's signature
        """Saved through the service: the same rules, and the other apps are told."""
        from portal.inventory.services.devices import device_save

        device_save(device=obj, entry=form.entry)

    def delete_model(self, request, obj) -> None:  # noqa: ANN001 - Django's signature
        from portal.inventory.services.devices import device_delete

        device_delete(device=obj)

    def delete_queryset(self, request, queryset) -> None:  # noqa: ANN001 - Django's signature
        from portal.inventory.services.devices import devices_delete

        devices_delete(device_ids=list(queryset.values_list("pk", flat=True)))
