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


class DeviceSource(models.TextChoices):
    """How a device entered the inventory (last writer wins)."""

    MANUAL = "manual", "entered by hand"
    CSV = "csv", "CSV import"
    SHOW = "show", "show version"
    NETBOX = "netbox", "NetBox sync"
    API = "api", "REST API"
    SEED = "seed", "seed_fleet"
