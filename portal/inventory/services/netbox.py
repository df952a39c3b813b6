"""Devices from NetBox (pynetbox): device type part number -> PID, a custom field or the platform -> release,
custom fields -> memory and flash (megabytes).

Repeatable: devices are matched by their NetBox id first (a rename in NetBox renames the device here), then by
hostname, so a second sync updates instead of duplicating.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import pynetbox
import requests
from django.conf import settings
from django.db import transaction

from portal.cisco.versions import Scheme, parse_version
from portal.inventory.choices import DeviceSource
from portal.inventory.models import Device
from portal.inventory.services.devices import devices_known, devices_upsert
from portal.inventory.services.fields import os_family_from_text, validate_device

DEFAULT_RELEASE_FIELD = "software_version"
DEFAULT_MEMORY_FIELD = "memory_mb"
DEFAULT_FLASH_FIELD = "flash_mb"
TIMEOUT = (5.0, 60.0)
_VERSION_TOKEN = re.compile(r"[0-9][0-9A-Za-z.()_-]*")


class NetBoxError(RuntimeError):
    """NetBox could not be reached or refused the request (the message never holds the token)."""


class NetBoxNotConfigured(NetBoxError):
    """No NetBox to sync from: PORTAL_NETBOX_URL is not set."""


@dataclass(frozen=True)
class CustomFields:
    """The NetBox custom fields that hold a device's release, memory and flash."""

    release: str = DEFAULT_RELEASE_FIELD
    memory: str = DEFAULT_MEMORY_FIELD
    flash: str = DEFAULT_FLASH_FIELD

    @classmethod
    def from_settings(cls) -> CustomFields:
        """The names configured (PORTAL_NETBOX_RELEASE_FIELD, _MEMORY_FIELD, _FLASH_FIELD), else the defaults."""
        return cls(
            release=getattr(settings, "PORTAL_NETBOX_RELEASE_FIELD", "") or DEFAULT_RELEASE_FIELD,
            memory=getattr(settings, "PORTAL_NETBOX_MEMORY_FIELD", "") or DEFAULT_MEMORY_FIELD,
            flash=getattr(settings, "PORTAL_NETBOX_FLASH_FIELD", "") or DEFAULT_FLASH_FIELD,
        )


@dataclass(frozen=True)
class SyncResult:
    """What a sync did."""

    seen: int
    created: int
    updated: int
    skipped: tuple[tuple[str, str], ...]  # (NetBox name or id, why)


class _TimeoutSession(requests.Session):
    """pynetbox sends no timeout; a hung NetBox must not hang the sync."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(*args, **kwargs)


def _name(obj: Any, *attrs: str) -> str:
    for attr in attrs:
        value = getattr(obj, attr, None) if obj is not None else None
        if value:
            return str(value)
    return ""


def release_from_platform(text: str) -> str:
    """The version inside a platform name such as ``IOS XE 17.9.4a`` or ``nxos-9-3-10`` (last parseable token)."""
    found = ""
    for token in _VERSION_TOKEN.findall(text or ""):
        if parse_version(token).scheme is not Scheme.OTHER:
            found = token
    return found


def _row(device: Any, part_numbers: Mapping[Any, str], fields: CustomFields) -> dict[str, Any]:
    device_type = getattr(device, "device_type", None)
    type_id = getattr(device_type, "id", None)
    platform = getattr(device, "platform", None)
    platform_text = " ".join(filter(None, [_name(platform, "name"), _name(platform, "slug")]))
    custom = getattr(device, "custom_fields", None) or {}
    release = str(custom.get(fields.release) or "").strip() or release_from_platform(_name(platform, "name"))
    role = getattr(device, "role", None) or getattr(device, "device_role", None)
    row: dict[str, Any] = {
        "hostname": _name(device, "name"),
        "pid": part_numbers.get(type_id, "") or _name(device_type, "part_number", "model"),
        "serial": _name(device, "serial"),
        "current_release": release,
        "site": _name(getattr(device, "site", None), "name"),
        "role": _name(role, "name"),
        "tags": [_name(tag, "name") for tag in (getattr(device, "tags", None) or [])],
    }
    for column, name in (("memory_mb", fields.memory), ("flash_mb", fields.flash)):
        if custom.get(name) not in (None, ""):
            row[column] = custom[name]  # checked like every entry's value (a whole number of megabytes)
    family = os_family_from_text(_name(platform, "name")) or os_family_from_text(_name(platform, "slug"))
    if family is None and platform_text:
        family = next((f for word in platform_text.split() if (f := os_family_from_text(word))), None)
    if family:
        row["os_family"] = family
    return row


def _fetch(url: str, token: str, filters: dict[str, Any]) -> tuple[list[Any], dict[int, str]]:
    api = pynetbox.api(url, token=token)
    api.http_session = _TimeoutSession()
    try:
        part_numbers = {t.id: str(t.part_number or t.model or "") for t in api.dcim.device_types.all()}
        devices = list(api.dcim.devices.filter(**filters) if filters else api.dcim.devices.all())
    except pynetbox.RequestError as exc:
        raise NetBoxError(f"NetBox refused the request (HTTP {exc.req.status_code}).") from None
    except requests.RequestException as exc:
        raise NetBoxError(f"NetBox is unreachable ({type(exc).__name__}).") from None
    return devices, part_numbers


def _renames(by_id: dict[int, str]) -> None:
    """Apply NetBox renames: a device known by its NetBox id under another hostname takes the new one."""
    for device_id, netbox_id, hostname in Device.objects.filter(netbox_id__in=by_id).values_list(
        "id", "netbox_id", "hostname"
    ):
        new = by_id[cast(int, netbox_id)]  # not None: the filter selected rows by it
        if hostname != new and not Device.objects.filter(hostname=new).exists():
            Device.objects.filter(pk=device_id).update(hostname=new)


def netbox_sync(
    *, url: str = "", token: str = "", filters: dict[str, Any] | None = None, fields: CustomFields | None = None
) -> SyncResult:
    """Create or update devices from NetBox's /api/dcim/devices/ (optionally filtered, e.g. {"site": "ber1"})."""
    url = url or settings.PORTAL_NETBOX_URL
    token = token or settings.PORTAL_NETBOX_TOKEN
    if not url:
        raise NetBoxNotConfigured(
            "NetBox is not configured: set PORTAL_NETBOX_URL (and PORTAL_NETBOX_TOKEN) to sync devices from it."
        )
    fields = fields or CustomFields.from_settings()
    devices, part_numbers = _fetch(url, token, filters or {})
    entries, skipped, ids = [], [], {}
    rows = [(device, _row(device, part_numbers, fields)) for device in devices]
    known = devices_known(row["hostname"] for _, row in rows)
    for device, row in rows:
        entry, problems = validate_device(row, existing=known.get(row["hostname"]))
        if entry is None:
            label = row["hostname"] or f"NetBox device {getattr(device, 'id', '?')}"
            skipped.append((label, "; ".join(f"{c}: {m}" for c, m in problems)))
            continue
        if entry.hostname in ids:
            skipped.append((entry.hostname, "another NetBox device has the same name"))
            continue
        entries.append(entry)
        ids[entry.hostname] = int(device.id)
    with transaction.atomic():
        _renames({netbox_id: hostname for hostname, netbox_id in ids.items()})
        # A NetBox id held by another hostname here would clash with the unique column: free it first.
        Device.objects.filter(netbox_id__in=ids.values()).exclude(hostname__in=ids.keys()).update(netbox_id=None)
        result = devices_upsert(
            entries=entries, source=DeviceSource.NETBOX, extra={h: {"netbox_id": i} for h, i in ids.items()}
        )
    return SyncResult(len(devices), result.created, result.updated, tuple(skipped))


def skipped_text(skipped: Iterable[tuple[str, str]], limit: int = 10) -> str:
    """A short text of skipped devices for a message."""
    items = list(skipped)
    text = "; ".join(f"{name}: {why}" for name, why in items[:limit])
    return text + (f" (and {len(items) - limit} more)" if len(items) > limit else "")
