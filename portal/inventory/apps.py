from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """Devices and how they get in (CSV, show version, NetBox)."""

    name = "portal.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from django.urls import register_converter

        from portal.core.navigation import NavLink, register
        from portal.inventory.converters import DeviceIdConverter

        register_converter(DeviceIdConverter, "device_id")

        register(NavLink("engineer", "Devices", "inventory:device-list", "inventory.view_device", order=10))
