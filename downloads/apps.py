from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    """Download jobs, verified content-addressed storage and serving files."""

    name = "downloads"
    label = "downloads"
    verbose_name = "Downloads"
