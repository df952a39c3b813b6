from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces with no models of their own: health, API conventions, page chrome."""

    name = "portal.core"
    label = "core"
    verbose_name = "Depot core"

    def ready(self) -> None:
        """Load the Celery app with Django, so tasks sent from web processes and commands use its settings."""
        import portal.celery  # noqa: F401, PLC0415 - imported for its side effect: the app becomes current
