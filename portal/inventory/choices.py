"""Choices of the inventory app."""

from __future__ import annotations

from django.db import models


class OsFamily(models.TextChoices):
    """The Cisco operating system a device runs (decides the show-version parser and the version scheme)."""

    IOS = "ios", "IOS"
    IOS_XE = "ios_xe", "IOS XE"
    NX_OS = "nx_os", "NX-OS"
    ASA = "asa", "ASA"
    AIREOS = "aireos", "AireOS"
    IOS_XR = "ios_xr", "IOS XR"
    OTHER = "other", "other"


# Labels by value: Django's get_os_family_display() rebuilds the choices into a dict on every call (a 100,000-row
# export called it 100,000 times).
OS_FAMILY_LABELS: dict[str, str] = dict(OsFamily.choices)


class DeviceSource(models.TextChoices):
    """How a device entered the inventory (last writer wins)."""

    MANUAL = "manual", "entered by hand"
    CSV = "csv", "CSV import"
    SHOW = "show", "show version"
    NETBOX = "netbox", "NetBox sync"
    API = "api", "REST API"
    SEED = "seed", "seed_fleet"
