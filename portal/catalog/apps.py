from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """What the upstream says: products, releases, images, standards and recommendations."""

    name = "portal.catalog"
    label = "catalog"
    verbose_name = "Catalog"
