from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces with no models of their own: health, API conventions, page chrome."""

    name = "portal.core"
    label = "core"
    verbose_name = "Depot core"
