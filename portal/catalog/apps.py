from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """What the upstream says: products, releases, images, standards and recommendations."""

    name = "portal.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from portal.catalog.summary import fleet_changed
        from portal.core.navigation import NavLink, register

        # Any change of a device starts a new generation of the cached fleet summary.
        post_save.connect(fleet_changed, sender="inventory.Device", dispatch_uid="catalog-fleet-changed-save")
        post_delete.connect(fleet_changed, sender="inventory.Device", dispatch_uid="catalog-fleet-changed-delete")

        register(NavLink("engineer", "Releases", "catalog:product-list", "catalog.view_release", order=20))
        register(NavLink("engineer", "Dashboard", "catalog:dashboard", "inventory.view_device", order=15))
        register(NavLink("engineer", "Standards", "catalog:standard-list", "catalog.view_standardrelease", order=25))
        register(NavLink("engineer", "Catalog refresh", "catalog:refresh-list", "catalog.refresh_catalog", order=60))
