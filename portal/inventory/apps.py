from django.apps import AppConfig


class InventoryConfig(AppConfig):
    """Devices and how they get in (CSV, show version, NetBox)."""

    name = "portal.inventory"
    label = "inventory"
    verbose_name = "Inventory"
