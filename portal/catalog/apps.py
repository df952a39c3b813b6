from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """What the upstream says: products, releases, images, standards and recommendations."""

    name = "portal.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from portal.catalog.health import check_last_refresh
        from portal.catalog.receivers import recommendations_follow_devices, refresh_follows_new_pairs
        from portal.core import health
        from portal.core.navigation import NavLink, register
        from portal.inventory.signals import devices_changed

        devices_changed.connect(recommendations_follow_devices, dispatch_uid="catalog.recommendations_follow_devices")
        devices_changed.connect(refresh_follows_new_pairs, dispatch_uid="catalog.refresh_follows_new_pairs")

        health.register("catalog_refresh", check_last_refresh)
        register(NavLink("engineer", "Releases", "catalog:product-list", "catalog.view_release", order=20))
        register(NavLink("engineer", "Dashboard", "catalog:dashboard", "inventory.view_device", order=15, home=True))
        register(NavLink("engineer", "Standards", "catalog:standard-list", "catalog.view_standardrelease", order=25))
        register(NavLink("engineer", "Catalog refresh", "catalog:refresh-list", "catalog.refresh_catalog", order=60))
