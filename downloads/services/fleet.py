"""Downloads for many devices at once: the target images of selected devices, or of all the fleet report lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from downloads.choices import JobSource
from downloads.models import DownloadJob
from downloads.services.jobs import DownloadRequestInvalid, download_job_request
from portal.catalog.selectors import fleet_targets
from portal.inventory.models import Device


@dataclass(frozen=True)
class FleetDownload:
    """What a fleet request did: one job per distinct target image, the images refused (with why), and how many of
    the devices asked about had no target image."""

    jobs: tuple[DownloadJob, ...]
    refused: tuple[tuple[str, str], ...]
    devices: int
    without_target: int


def download_jobs_request_targets(
    *, devices: QuerySet[Device], requested_by: Any = None, source: str = JobSource.DEVICES
) -> FleetDownload:
    """Request the target image of every device in ``devices`` (the catalog says which): one job per distinct
    image. An image the request rules refuse (an unsafe name, say) is reported, the others still go."""
    targets = fleet_targets(devices)
    jobs, refused = [], []
    for image in targets.images:
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
    return FleetDownload(tuple(jobs), tuple(refused), targets.devices, targets.without_target)
