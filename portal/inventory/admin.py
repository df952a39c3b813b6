from django.contrib import admin

from portal.inventory.models import Device, Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["hostname", "pid", "current_release", "os_family", "site", "role", "source", "updated"]
    list_filter = ["os_family", "source"]
    search_fields = ["hostname", "serial", "pid", "running_image"]
    autocomplete_fields = ["tags"]
    readonly_fields = ["release_key", "created", "updated"]
    list_per_page = 100
    show_full_result_count = False  # counting 100,000 rows on every admin page is wasted work

    def save_model(self, request, obj, form, change) -> None:  # noqa: ANN001 - Django's signature
        """Saved through the service: the recommendation and the cached fleet figures follow."""
        from portal.inventory.services.devices import device_save

        device_save(device=obj, values={})

    def delete_model(self, request, obj) -> None:  # noqa: ANN001 - Django's signature
        from portal.inventory.services.devices import device_delete

        device_delete(device=obj)

    def delete_queryset(self, request, queryset) -> None:  # noqa: ANN001 - Django's signature
        from portal.inventory.services.devices import devices_delete

        devices_delete(device_ids=list(queryset.values_list("pk", flat=True)))
