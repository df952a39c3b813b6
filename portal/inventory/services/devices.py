"""Devices: create, change, delete one; upsert many by hostname (imports, NetBox) in bulk.

Every service here that writes devices sends :data:`portal.inventory.signals.devices_changed` inside its
transaction; what follows from it (recommendations, cached fleet figures, catalog fetches) belongs to the apps
that listen, never to the inventory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.cisco.versionkey import release_sort_key
from portal.core.signals import send_now
from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.models import Device, Tag
from portal.inventory.services.fields import COLUMNS, DeviceInput, validate_device
from portal.inventory.signals import devices_changed

BATCH = 500
Progress = Callable[[int, int], None]
_EDITABLE = tuple(name for name in COLUMNS if name not in ("hostname", "tags"))


class DeviceInvalid(ValueError):
    """An entry for one device breaks the field rules; ``problems`` are (column, message) pairs."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{column}: {message}" for column, message in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert wrote: counts and the ids of every device it touched."""

    created: int
    updated: int
    device_ids: tuple[int, ...]


def devices_announce(*, device_ids: Sequence[int], deleted: bool = False) -> None:
    """Tell the listening apps that these devices were written (or deleted); call it inside the transaction that
    wrote them (see :mod:`portal.inventory.signals`). Nothing is sent for an empty change, except a delete of all."""
    if device_ids or deleted:
        send_now(devices_changed, sender=Device, device_ids=tuple(device_ids), deleted=deleted)


def tags_ensure(names: Iterable[str]) -> dict[str, int]:
    """Tag ids by name, creating the tags that do not exist yet."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    Tag.objects.bulk_create([Tag(name=n) for n in wanted], ignore_conflicts=True, batch_size=BATCH)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), BATCH):
        found.update(Tag.objects.filter(name__in=wanted[start : start + BATCH]).values_list("name", "id"))
    return found


def device_tags_replace(*, tags_by_device: dict[int, Sequence[str]]) -> None:
    """Set the tags of many devices at once (two statements per batch instead of one per device)."""
    if not tags_by_device:
        return
    tag_ids = tags_ensure(name for names in tags_by_device.values() for name in names)
    through = Device.tags.through
    ids = list(tags_by_device)
    for start in range(0, len(ids), BATCH):
        through.objects.filter(device_id__in=ids[start : start + BATCH]).delete()
    links = [through(device_id=d, tag_id=tag_ids[n]) for d, names in tags_by_device.items() for n in names]
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)


def _existing(hostnames: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(hostnames), BATCH):
        rows = Device.objects.filter(hostname__in=hostnames[start : start + BATCH])
        found.update((h, (i, os)) for h, i, os in rows.values_list("hostname", "id", "os_family"))
    return found


def devices_upsert(
    *,
    entries: Sequence[DeviceInput],
    source: str = DeviceSource.MANUAL,
    progress: Progress | None = None,
    extra: dict[str, dict[str, Any]] | None = None,
) -> UpsertResult:
    """Create the entries whose hostname is new and update the others (only the columns each entry gives).

    One transaction: all entries are written or none. ``extra`` adds model fields per hostname (NetBox ids).
    Every touched device is announced (``devices_changed``) inside that transaction.
    """
    now = timezone.now()
    extra = extra or {}
    with transaction.atomic():
        existing = _existing([e.hostname for e in entries])
        creates: list[Device] = []
        updates: dict[str, list[Device]] = {}
        for entry in entries:
            values = {k: v for k, v in entry.values.items() if k in _EDITABLE}
            values.update(extra.get(entry.hostname, {}))
            if "current_release" in values:
                values["release_key"] = release_sort_key(values["current_release"])
            if entry.hostname in existing:
                device_id, os_family = existing[entry.hostname]
                if "os_family" not in values and os_family == OsFamily.OTHER:
                    values["os_family"] = entry.guessed_os_family
                values["updated"], values["source"] = now, source
                # Entries that give the same columns are updated together (bulk_update wants one field list).
                updates.setdefault(",".join(sorted(values)), []).append(Device(id=device_id, **values))
            else:
                values.setdefault("os_family", entry.guessed_os_family)
                creates.append(Device(hostname=entry.hostname, source=source, created=now, updated=now, **values))
        done = 0
        for start in range(0, len(creates), BATCH):
            Device.objects.bulk_create(creates[start : start + BATCH])
            done += len(creates[start : start + BATCH])
            if progress:
                progress(done, len(entries))
        for fields, devices in updates.items():
            for start in range(0, len(devices), BATCH):
                batch = devices[start : start + BATCH]
                Device.objects.bulk_update(batch, fields.split(","))
                done += len(batch)
                if progress:
                    progress(done, len(entries))
        ids = _existing([e.hostname for e in entries])
        device_tags_replace(tags_by_device={ids[e.hostname][0]: e.tags for e in entries if e.tags is not None})
        device_ids = tuple(ids[e.hostname][0] for e in entries)
        devices_announce(device_ids=device_ids)
    if len(entries) >= STATISTICS_AFTER:
        table_statistics_refresh()
    return UpsertResult(len(creates), sum(len(d) for d in updates.values()), device_ids)


STATISTICS_AFTER = 5000  # rows written at once after which the query planner's statistics are refreshed


def table_statistics_refresh() -> None:
    """ANALYZE the inventory and catalog tables, so the planner picks the (site, hostname)-style indexes after
    bulk loads (without statistics SQLite guesses, and may walk a 30% index instead of a 2% one)."""
    from django.db import connection

    tables = ["inventory_device", "inventory_device_tags", "catalog_recommendation", "catalog_release", "catalog_image"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


CONTEXT = ("hostname", "pid", "running_image", "os_family")  # what reading an entry may depend on


def devices_known(hostnames: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The current values an entry for a known device is read against (its OS family, PID, image), by hostname,
    for the entries that change devices by hostname (CSV, NetBox, show version)."""
    wanted = sorted({h.strip() for h in hostnames if isinstance(h, str) and h.strip()})
    known: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), BATCH):
        for row in Device.objects.filter(hostname__in=wanted[start : start + BATCH]).values(*CONTEXT):
            known[row["hostname"]] = row
    return known


def device_input(*, raw: Mapping[str, Any], device: Device | None = None) -> DeviceInput:
    """Check one device's entry from a form or the API (``device``: the one it changes, None or unsaved for a new
    one) with the rules of every entry, and that its hostname is not another device's; raises DeviceInvalid."""
    existing = None
    if device is not None and device.pk is not None:
        existing = {name: getattr(device, name) for name in CONTEXT}
    entry, problems = validate_device(raw, existing=existing)
    if entry is not None:
        clash = Device.objects.filter(hostname=entry.hostname)
        if device is not None and device.pk is not None:
            clash = clash.exclude(pk=device.pk)
        if clash.exists():
            problems = [("hostname", f"a device named {entry.hostname} exists already")]
    if problems or entry is None:
        raise DeviceInvalid(problems)
    return entry


def device_save(*, device: Device, entry: DeviceInput, source: str | None = None) -> Device:
    """Create (``device.pk`` is None) or change one device from a checked entry (see :func:`device_input`)."""
    with transaction.atomic():
        device.hostname = entry.hostname
        for name, value in entry.values.items():
            if name in _EDITABLE:
                setattr(device, name, value)
        if "os_family" not in entry.values and (device.pk is None or device.os_family == OsFamily.OTHER):
            device.os_family = entry.guessed_os_family
        if source:
            device.source = source
        device.save()
        if entry.tags is not None:
            device_tags_replace(tags_by_device={device.pk: list(entry.tags)})
        devices_announce(device_ids=[device.pk])
    return device


def device_delete(*, device: Device) -> None:
    """Delete one device (what other apps keep about it goes with it)."""
    with transaction.atomic():
        device_id = device.pk
        device.delete()
        devices_announce(device_ids=[device_id], deleted=True)


def devices_delete(*, device_ids: Sequence[int] | None = None) -> int:
    """Delete many devices (all of them when ``device_ids`` is None); returns how many were deleted."""
    with transaction.atomic():
        devices = Device.objects.all() if device_ids is None else Device.objects.filter(id__in=list(device_ids))
        _, per_model = devices.delete()
        count = per_model.get(Device._meta.label, 0)
        if device_ids is None:
            devices_announce(device_ids=(), deleted=True)
        elif count:
            devices_announce(device_ids=device_ids, deleted=True)
    return count
