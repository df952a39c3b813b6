"""Inventory pages under /devices/."""

from django.urls import path

from portal.inventory import views

app_name = "inventory"

urlpatterns = [
    path("devices/", views.device_list_view, name="device-list"),
    path("devices/new/", views.device_create_view, name="device-create"),
    path("devices/export.csv", views.device_export_view, name="device-export"),
    path("devices/import/", views.device_import_view, name="device-import"),
    path("devices/import/show-version/", views.device_import_show_view, name="device-import-show"),
    path("devices/import/netbox/", views.device_netbox_sync_view, name="device-netbox-sync"),
    path("devices/<device_id:pk>/", views.device_detail_view, name="device-detail"),
    path("devices/<device_id:pk>/edit/", views.device_edit_view, name="device-edit"),
    path("devices/<device_id:pk>/delete/", views.device_delete_view, name="device-delete"),
]
