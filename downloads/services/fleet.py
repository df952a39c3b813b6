"""Downloads for many devices at once: the target images of selected devices, or of all the fleet report lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from downloads.choices import JobSource, SkipReason
from downloads.models import DownloadJob
from downloads.services.jobs import DownloadRequestInvalid, download_job_request
from portal.catalog.selectors import fleet_targets
from portal.inventory.models import Device


@dataclass(frozen=True)
class FleetDownloadSkip:
    """A target image a fleet request did not ask for, why (a ``SkipReason``), and how many devices want it."""

    image_name: str
    reason: str
    devices: int


@dataclass(frozen=True)
class FleetDownload:
    """What a fleet request did: one job per distinct target image, the images refused (with why), the images
    skipped, and how many of the devices asked about had no target image."""

    jobs: tuple[DownloadJob, ...]
    refused: tuple[tuple[str, str], ...]
    skipped: tuple[FleetDownloadSkip, ...]
    devices: int
    without_target: int


def download_jobs_request_targets(
    *, devices: QuerySet[Device], requested_by: Any = None, source: str = JobSource.DEVICES
) -> FleetDownload:
    """Request the target image of every device in ``devices`` (the catalog says which): one job per distinct
    image. An image too small for every device that wants it is skipped (a device whose fit is unknown may still
    take it); an image the request rules refuse (an unsafe name, say) is reported; the others still go."""
    targets = fleet_targets(devices)
    jobs, refused, skipped = [], [], []
    for image in targets.images:
        if image.fits_none:
            skipped.append(FleetDownloadSkip(image.name, SkipReason.TOO_SMALL, image.devices))
            continue
        try:
            jobs.append(
                download_job_request(
                    pid=image.pid,
                    image_name=image.name,
                    image_guid=image.guid,
                    mdf_id=image.mdf_id,
                    requested_by=requested_by,
                    source=source,
                )
            )
        except DownloadRequestInvalid as exc:
            refused.append((image.name, str(exc)))
    return FleetDownload(
        jobs=tuple(jobs),
        refused=tuple(refused),
        skipped=tuple(skipped),
        devices=targets.devices,
        without_target=targets.without_target,
    )
