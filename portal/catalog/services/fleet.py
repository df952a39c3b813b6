"""Fleet actions: request the downloads of the target images of many devices, one job per distinct image."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from portal.inventory.models import Device


class FleetDownloadUnavailable(RuntimeError):
    """The downloads app is not installed yet (its service is missing)."""


@dataclass(frozen=True)
class FleetDownloadResult:
    """What was requested: job ids per image name, and devices that had no target image."""

    jobs: tuple[tuple[str, int], ...]
    devices: int
    without_target: int
    refused: tuple[tuple[str, str], ...] = ()  # (image name, why the downloads app refused it)

    @property
    def summary(self) -> str:
        """One line for a message."""
        text = f"{len(self.jobs)} download job(s) requested for {self.devices} device(s)"
        if self.without_target:
            text += f"; {self.without_target} device(s) have no target image"
        if self.refused:
            text += "; refused: " + ", ".join(f"{name} ({why})" for name, why in self.refused[:5])
        return text + "."


def _service():
    try:
        from downloads.services import download_job_request
    except ImportError:
        raise FleetDownloadUnavailable("Downloads are not available yet (the downloads app has no service).") from None
    return download_job_request


def fleet_download_request(
    *, devices: QuerySet[Device], requested_by: AbstractBaseUser | None = None, source: str = "fleet"
) -> FleetDownloadResult:
    """Call downloads.services.download_job_request once per distinct target image of ``devices``."""
    request_job = _service()
    rows = (
        devices.filter(recommendation__target_image__isnull=False)
        .order_by("recommendation__target_image__name", "pid")
        .values_list(
            "recommendation__target_image__name",
            "recommendation__target_image__guid",
            "recommendation__target_image__release__product__pid",
            "recommendation__target_image__release__product__mdf_id",
        )
        .distinct()
    )
    images: dict[str, tuple[str, str, str]] = {}
    for name, guid, pid, mdf_id in rows:
        images.setdefault(name, (guid, pid, mdf_id))  # one job per image: storage is content-addressed
    jobs, refused = [], []
    for name, (guid, pid, mdf_id) in images.items():
        try:
            job = request_job(
                pid=pid, image_name=name, image_guid=guid, mdf_id=mdf_id, requested_by=requested_by, source=source
            )
        except ValueError as exc:  # the downloads app's DownloadRequestInvalid (an unsafe name, say)
            refused.append((name, str(exc)))
            continue
        jobs.append((name, job.pk))
    total = devices.count()
    with_target = devices.filter(recommendation__target_image__isnull=False).count()
    return FleetDownloadResult(tuple(jobs), total, total - with_target, tuple(refused))
