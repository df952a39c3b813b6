from django.apps import AppConfig


class DownloadsConfig(AppConfig):
    """Download jobs, verified content-addressed storage and serving files."""

    name = "downloads"
    label = "downloads"
    verbose_name = "Downloads"

    def ready(self) -> None:
        from portal.core.navigation import NavLink, register

        def active(request) -> int:
            from downloads.selectors import download_jobs_active_count

            return download_jobs_active_count()

        register(NavLink("engineer", "Downloads", "downloads:job-list", "downloads.view_downloadjob", 40, active))
        register(NavLink("engineer", "Repository", "downloads:image-list", "downloads.view_storedimage", 41))
