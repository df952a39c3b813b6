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
