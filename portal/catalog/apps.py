from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """What the upstream says: products, releases, images, standards and recommendations."""

    name = "portal.catalog"
    label = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from portal.catalog.caching import catalog_row_written
        from portal.catalog.health import check_last_refresh
        from portal.catalog.models import Image, ImageFamily, Product, Release, SoftwareType, StandardRelease
        from portal.catalog.receivers import recommendations_follow_devices, refresh_follows_new_pairs
        from portal.core import health
        from portal.core.navigation import NavLink, register
        from portal.inventory.signals import devices_changed

        devices_changed.connect(recommendations_follow_devices, dispatch_uid="catalog.recommendations_follow_devices")
        devices_changed.connect(refresh_follows_new_pairs, dispatch_uid="catalog.refresh_follows_new_pairs")

        # Reads cached per catalog generation (portal.catalog.caching) are read no more once a catalog row changes.
        for model in (Product, SoftwareType, Release, Image, ImageFamily, StandardRelease):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                uid = f"catalog.generation.{model._meta.label}.{name}"
                signal.connect(catalog_row_written, sender=model, dispatch_uid=uid)
        m2m_changed.connect(
            catalog_row_written, sender=ImageFamily.products.through, dispatch_uid="catalog.generation.families"
        )

        health.register("catalog_refresh", check_last_refresh)
        register(NavLink("engineer", "Releases", "catalog:product-list", "catalog.view_release", order=20))
        register(NavLink("engineer", "Dashboard", "catalog:dashboard", "inventory.view_device", order=15, home=True))
        register(NavLink("engineer", "Standards", "catalog:standard-list", "catalog.view_standardrelease", order=25))
        register(NavLink("engineer", "Catalog refresh", "catalog:refresh-list", "catalog.refresh_catalog", order=60))
