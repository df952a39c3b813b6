"""Synchronous upstream look-ups an engineer asks for explicitly: image search (metadata/pidimage) and the status
of image names (metadata/images). Short timeouts and few retries: someone is waiting for the page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from portal.catalog.models import ImageStatus, Release
from portal.catalog.services.changes import Change, catalog_changes_announce
from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.services.store import catalog_records_store
from portal.cisco.client import MAX_IMAGES, AsdClient
from portal.cisco.payloads import ImageStatus as ImageStatusPayload
from portal.cisco.provider import get_client
from portal.cisco.versions import normalize
from portal.inventory.models import Device


def clean_names(names: Sequence[str] | str) -> list[str]:
    """Image names from a list or from text (commas, spaces or lines), de-duplicated, order kept."""
    if isinstance(names, str):
        names = names.replace(",", " ").split()
    seen: dict[str, None] = {}
    for name in names:
        if name and name.strip():
            seen.setdefault(name.strip(), None)
    return list(seen)


@dataclass(frozen=True)
class SearchResult:
    """What metadata/pidimage answered: the releases now stored, and the names it did not know."""

    releases: tuple[Release, ...]
    invalid_images: tuple[str, ...]
    calls: int


def image_search(*, pid: str, image_names: Sequence[str]) -> SearchResult:
    """Search a PID's releases by image names (1 to 5), store what comes back, return the releases."""
    client = get_client(interactive=True)
    names = clean_names(image_names)[:MAX_IMAGES]
    release_ids: list[int] = []
    changes: list[Change] = []
    invalid: tuple[str, ...] = ()
    calls, page_index = 0, 1
    while True:
        calls += 1
        page = client.images_by_pid(pid=pid, image_names=names, page_index=page_index)
        invalid = invalid or page.invalid_images
        stored = catalog_records_store(records=page.records, fetched_at=page.received_at)
        release_ids.extend(stored.release_ids)
        changes.extend(stored.changes)
        if not page.has_next or not page.records:
            break
        page_index = page.pagination.page_index + 1
    releases = Release.objects.filter(id__in=release_ids).select_related("product", "software_type")
    releases = releases.prefetch_related("images").order_by("-sort_key")
    recommendations_recompute(pids=[pid])
    catalog_changes_announce(changes=changes)
    return SearchResult(tuple(releases), tuple(invalid), calls)


def _status_row(item: ImageStatusPayload, now) -> ImageStatus:
    return ImageStatus(
        name=item.image_name[:255],
        known=True,
        software_type_name=item.software_type_name[:100],
        size=item.image_size,
        md5=item.md5[:32],
        sha512=item.sha512[:128],
        is_deleted=item.is_deleted,
        deleted_date=item.deleted_date,
        is_deferred=any(e.code == "DEF_ADV_IMAGE" for e in item.exceptions),
        release_fcs_date=item.release_fcs_date,
        exceptions=[{"code": e.code, "message": e.message} for e in item.exceptions],
        checked_at=now,
    )


_STATUS_FIELDS = [
    "known",
    "software_type_name",
    "size",
    "md5",
    "sha512",
    "is_deleted",
    "deleted_date",
    "is_deferred",
    "release_fcs_date",
    "exceptions",
    "checked_at",
]


def image_status_check(*, image_names: Sequence[str], client: AsdClient | None = None) -> list[ImageStatus]:
    """Ask metadata/images about image names (5 per call), store the answers, recompute the devices running them."""
    client = client or get_client(interactive=True)
    names = clean_names(image_names)
    before = {row.name: row for row in ImageStatus.objects.filter(name__in=names, known=True)}
    rows: dict[str, ImageStatus] = {}
    for start in range(0, len(names), MAX_IMAGES):
        batch = names[start : start + MAX_IMAGES]
        result = client.image_status(image_names=batch)
        now = timezone.now()
        for item in result.images:
            rows.setdefault(item.image_name, _status_row(item, now))
        for name in result.invalid_images:
            rows.setdefault(name, ImageStatus(name=name[:255], known=False, checked_at=now))
        with transaction.atomic():
            ImageStatus.objects.bulk_create(
                [rows[n] for n in batch if n in rows],
                update_conflicts=True,
                unique_fields=["name"],
                update_fields=_STATUS_FIELDS,
            )
    device_ids = Device.objects.filter(running_image__in=names).values_list("id", flat=True)
    recommendations_recompute(device_ids=list(device_ids))
    catalog_changes_announce(changes=_status_changes(before, [rows[n] for n in names if n in rows]))
    return list(ImageStatus.objects.filter(name__in=names).order_by("name"))


def _status_changes(before: dict[str, ImageStatus], after: Sequence[ImageStatus]) -> list[Change]:
    """The running images newly found deleted or deferred, as changes of the releases their devices run (a name
    checked for the first time is not news: there is nothing to compare with)."""
    turned = {
        (row.name, kind)
        for row in after
        if row.name in before
        for kind, now, then in (
            ("deleted", row.is_deleted, before[row.name].is_deleted),
            ("deferred", row.is_deferred, before[row.name].is_deferred),
        )
        if now and not then
    }
    if not turned:
        return []
    devices = Device.objects.filter(running_image__in={name for name, _ in turned}).exclude(current_release="")
    return [
        Change(pid, kind, normalize(release), key)
        for pid, release, key, image in devices.values_list("pid", "current_release", "release_key", "running_image")
        .distinct()
        .order_by()
        for name, kind in turned
        if name == image
    ]


def running_images_check(*, client: AsdClient | None = None) -> int:
    """Check the status of every distinct running image of the inventory (5 names per call); returns names checked.

    A refresh asks only for releases *above* each device's current one, so this is how the dashboard learns that
    the image a device runs now was deleted or deferred."""
    names = (
        Device.objects.exclude(running_image="")
        .values_list("running_image", flat=True)
        .distinct()
        .order_by("running_image")
    )
    # packages.conf (IOS XE install mode) and similar are not image files the upstream knows.
    wanted = [n for n in names if "." in n and not n.endswith(".conf")]
    if wanted:
        image_status_check(image_names=wanted, client=client)
    return len(wanted)
