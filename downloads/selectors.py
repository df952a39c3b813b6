"""Reads of the downloads app that are more than a one-line query."""

from __future__ import annotations

from django.db.models import QuerySet

from downloads.choices import MOVING_STATES
from downloads.models import DownloadJob, StoredImage
from portal.catalog.selectors import devices_recommended_image
from portal.inventory.models import Device


def download_jobs_list(*, state: str = "", pid: str = "", query: str = "") -> QuerySet[DownloadJob]:
    """Jobs newest first, with what their rows show (one query)."""
    jobs = DownloadJob.objects.select_related("requested_by", "stored_image")
    if state:
        jobs = jobs.filter(state=state)
    if pid:
        jobs = jobs.filter(pid__iexact=pid.strip())
    if query:
        jobs = jobs.filter(image_name__icontains=query.strip())
    return jobs


def download_jobs_active_count() -> int:
    """Jobs a worker is on or that wait in the queue (the navigation badge)."""
    return DownloadJob.objects.filter(state__in=MOVING_STATES).count()


def download_jobs_any_live(jobs: list[DownloadJob]) -> bool:
    """Whether a page showing ``jobs`` should keep polling."""
    return any(job.is_moving for job in jobs)


def stored_images_list(*, query: str = "") -> QuerySet[StoredImage]:
    """Stored images by name."""
    images = StoredImage.objects.all()
    return images.filter(name__icontains=query.strip()) if query else images


def stored_image_devices(*, image: StoredImage) -> list[Device]:
    """Devices whose recommendation points at this image (the first 200, as the catalog lists them)."""
    return list(devices_recommended_image(image_name=image.name)[:200])
