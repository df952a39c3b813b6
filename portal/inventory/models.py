"""The device inventory: what runs where, as the engineer (or NetBox, or a CSV) says it does."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from portal.cisco.versionkey import release_sort_key
from portal.inventory.choices import OS_FAMILY_LABELS, DeviceSource, OsFamily


class Tag(models.Model):
    """A free label on devices (``core``, ``lab``, ``pci``); filterable in the list and the API."""

    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def tag_order(names: Iterable[str]) -> list[str]:
    """A device's tag names in the one order every reader shows them: by code point, the same on every database
    (PostgreSQL's collation may order them otherwise than SQLite)."""
    return sorted(names)


class Device(models.Model):
    """One network device: its hardware (PID, serial), the release and image it runs, and where it sits."""

    hostname = models.CharField(max_length=255, unique=True)
    pid = models.CharField("PID", max_length=64, help_text="Cisco product ID, e.g. C9300-24P")
    serial = models.CharField("serial number", max_length=64, blank=True)
    # Canonical spelling (portal.cisco.versions.read_release): 17.09.04a is stored as 17.9.4a.
    current_release = models.CharField(max_length=64, blank=True, help_text="As Cisco writes it, e.g. 17.9.4a")
    # current_release in Cisco order as text (portal.cisco.versionkey), so SQL can compare it with releases.
    release_key = models.CharField(max_length=255, blank=True, editable=False)
    running_image = models.CharField(max_length=255, blank=True, help_text="Image file name, e.g. cat9k_iosxe...bin")
    os_family = models.CharField("OS family", max_length=16, choices=OsFamily.choices, default=OsFamily.OTHER)
    memory_mb = models.PositiveIntegerField("memory (MB)", null=True, blank=True, help_text="DRAM in megabytes")
    flash_mb = models.PositiveIntegerField("flash (MB)", null=True, blank=True, help_text="Flash in megabytes")
    site = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="devices")
    notes = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=DeviceSource.choices, default=DeviceSource.MANUAL)
    netbox_id = models.PositiveIntegerField("NetBox id", null=True, blank=True, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # The tag names of a device read by a list (not a column): portal.inventory.selectors.with_tag_names.
    tag_list: list[str]

    class Meta:
        ordering = ["hostname"]
        indexes = [
            # Each sortable column of the list, with hostname as the tie-break the list always adds. The page
            # query reads ids only, so on PostgreSQL the id is carried in the index (INCLUDE, ignored elsewhere):
            # a deep page walks the index alone instead of fetching every row it skips (page 500: 31 ms -> 6).
            models.Index(fields=["pid", "hostname"], include=["id"], name="device_pid_host"),
            models.Index(fields=["site", "hostname"], include=["id"], name="device_site_host"),
            models.Index(fields=["role", "hostname"], include=["id"], name="device_role_host"),
            models.Index(fields=["os_family", "hostname"], include=["id"], name="device_os_host"),
            models.Index(fields=["release_key", "hostname"], include=["id"], name="device_release_host"),
            models.Index(fields=["updated"], name="device_updated"),
            # No more: each index costs every import and seed; the nightly refresh's GROUP BY (pid,
            # current_release) scans the table either way. The search's LIKE '%...%' has a trigram index on
            # PostgreSQL (migration 0005); SQLite scans the hostname index.
        ]

    def __str__(self) -> str:
        return self.hostname

    def save(self, *args: object, **kwargs: object) -> None:
        """Keep the derived release key in step with the release text."""
        self.release_key = release_sort_key(self.current_release)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "current_release" in update_fields:
            kwargs["update_fields"] = {*update_fields, "release_key"}
        super().save(*args, **kwargs)

    @property
    def os_family_label(self) -> str:
        """The OS family in words ("IOS XE"), as get_os_family_display() gives it, from a dict built once."""
        return OS_FAMILY_LABELS.get(self.os_family, self.os_family)

    @property
    def tag_names(self) -> list[str]:
        """The tags' names in order: read by the selectors (``tag_list``) when there, else one query."""
        names = getattr(self, "tag_list", None)
        return tag_order(self.tags.values_list("name", flat=True)) if names is None else names
