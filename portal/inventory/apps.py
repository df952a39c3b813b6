from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """Devices and how they get in (CSV, show version, NetBox)."""

    name = "portal.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from portal.core.navigation import NavLink, register

        register(NavLink("engineer", "Devices", "inventory:device-list", "inventory.view_device", order=10))
