"""Devices API under /api/v1/devices/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from portal.inventory.api import views

router = SimpleRouter()
router.register("devices", views.DeviceViewSet, basename="api-device")

urlpatterns = [
    path("devices/import/", views.DeviceImportView.as_view(), name="api-device-import"),
    path("devices/parse-show/", views.ShowParseView.as_view(), name="api-device-parse-show"),
    path("devices/netbox-sync/", views.NetBoxSyncView.as_view(), name="api-device-netbox-sync"),
    *router.urls,
]
