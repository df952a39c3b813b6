"""The catalog: what the upstream says about each product (rows filled by refreshes), standards, recommendations.

Product -> Release -> Image mirror metadata/pidrelease and metadata/pidimage; every row keeps when it was
fetched and the metadataTransId that returned it. Release.sort_key holds the Cisco order as text
(portal.cisco.versionkey) so ordering and "above the current release" happen in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from portal.catalog.choices import PairState, Reason, RefreshState, RefreshTrigger


class Product(models.Model):
    """A Cisco product (PID) as the upstream names it, with its MDF id (needed to ask for downloads)."""

    pid = models.CharField("PID", max_length=64, unique=True)
    mdf_id = models.CharField("MDF id", max_length=20, blank=True)
    mdf_concept_name = models.CharField("MDF name", max_length=255, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pid"]

    def __str__(self) -> str:
        return self.pid


class SoftwareType(models.Model):
    """A software type (``IOS XE Software``, ``NX-OS EPLD Updates``) by its upstream id."""

    type_id = models.CharField("software type id", max_length=20, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Release(models.Model):
    """One release of one product and software type, as metadata/pidrelease described it."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="releases")
    software_type = models.ForeignKey(SoftwareType, on_delete=models.PROTECT, related_name="releases")
    operating_system = models.CharField(max_length=64, blank=True)
    version = models.CharField(max_length=64)
    sort_key = models.CharField(max_length=255, editable=False)
    fcs_date = models.DateField("FCS date", null=True, blank=True)
    lifecycle = models.CharField(max_length=20, blank=True)
    is_suggested = models.BooleanField("suggested", default=False)
    # Derived from the images when rows are written: every image deleted / a deferral / a PSIRT flag on any.
    is_deleted = models.BooleanField("deleted", default=False)
    is_deferred = models.BooleanField("deferred", default=False)
    psirt = models.BooleanField("PSIRT", default=False)
    message = models.TextField(blank=True)
    catalog_message = models.TextField(blank=True)
    field_notice = models.URLField(max_length=500, blank=True)
    security_advisory = models.URLField(max_length=500, blank=True)
    docs = models.JSONField(default=list, blank=True)
    metadata_trans_id = models.CharField("metadataTransId", max_length=40, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["product", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "software_type", "operating_system", "version"], name="release_unique"
            )
        ]
        indexes = [models.Index(fields=["product", "sort_key"], name="release_product_key")]

    def __str__(self) -> str:
        return f"{self.product.pid} {self.version}" if self.product_id else self.version


class Image(models.Model):
    """One image file of a release: what it is, how big, its digests, and what stands in its way."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="images")
    guid = models.CharField("GUID", max_length=40)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField(null=True, blank=True, help_text="bytes")
    md5 = models.CharField("MD5", max_length=32, blank=True)
    sha512 = models.CharField("SHA-512", max_length=128, blank=True)
    description = models.CharField(max_length=255, blank=True)
    feature_set = models.CharField(max_length=255, blank=True)
    min_dram = models.CharField("minimum DRAM", max_length=40, blank=True)
    min_flash = models.CharField("minimum flash", max_length=40, blank=True)
    crypto = models.BooleanField("strong crypto (K9)", default=False)
    contract_required = models.BooleanField(default=False, help_text="Additional entitlement or a contract refusal")
    is_related = models.BooleanField(default=False)
    is_deleted = models.BooleanField("deleted", default=False)
    deleted_date = models.DateField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True)
    deferral_notice = models.URLField(max_length=500, blank=True)
    software_advisory = models.URLField(max_length=500, blank=True)
    psirt = models.BooleanField("PSIRT", default=False)
    docs = models.JSONField(default=list, blank=True)
    exceptions = models.JSONField(default=list, blank=True, help_text="[{code, message}] as delivered (raw)")
    metadata_trans_id = models.CharField("metadataTransId", max_length=40, blank=True)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["release", "name"]
        constraints = [models.UniqueConstraint(fields=["release", "guid"], name="image_unique")]
        indexes = [
            models.Index(fields=["name"], name="image_name"),
            models.Index(fields=["guid"], name="image_guid"),
        ]

    def __str__(self) -> str:
        return self.name


class ImageStatus(models.Model):
    """The last answer of metadata/images for one image name (the status check: deleted? deferred?)."""

    name = models.CharField(max_length=255, unique=True)
    known = models.BooleanField(default=True, help_text="False when the upstream listed it in invalidImages")
    software_type_name = models.CharField(max_length=100, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    md5 = models.CharField(max_length=32, blank=True)
    sha512 = models.CharField(max_length=128, blank=True)
    is_deleted = models.BooleanField(default=False)
    deleted_date = models.DateField(null=True, blank=True)
    is_deferred = models.BooleanField(default=False)
    release_fcs_date = models.DateField(null=True, blank=True)
    exceptions = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "image statuses"

    def __str__(self) -> str:
        return self.name


class StandardRelease(models.Model):
    """The golden release of a product, for every device of it or only at one site and/or in one role.

    The most specific standard applies to a device: site and role, then site, then role, then neither.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="standards")
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="standards")
    site = models.CharField(max_length=100, blank=True, help_text="Empty: every site")
    role = models.CharField(max_length=100, blank=True, help_text="Empty: every role")
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product", "site", "role"]
        constraints = [models.UniqueConstraint(fields=["product", "site", "role"], name="standard_scope_unique")]

    def __str__(self) -> str:
        return f"{self.product.pid} {self.scope_text}: {self.release.version}"

    @property
    def specificity(self) -> int:
        """How narrow the scope is: 3 site and role, 2 site, 1 role, 0 neither."""
        return 2 * bool(self.site) + bool(self.role)

    @property
    def scope_text(self) -> str:
        """The scope in words."""
        parts = [f"site {self.site}" if self.site else "", f"role {self.role}" if self.role else ""]
        return " and ".join(p for p in parts if p) or "every device"


class Recommendation(models.Model):
    """What a device should run and why, with the dashboard's flags; recomputed in bulk, read by pages."""

    device = models.OneToOneField(
        "inventory.Device", on_delete=models.CASCADE, primary_key=True, related_name="recommendation"
    )
    current = models.ForeignKey(Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_release = models.ForeignKey(Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_image = models.ForeignKey(Image, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    standard = models.ForeignKey(StandardRelease, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_text = models.CharField(max_length=300)
    on_standard = models.BooleanField(default=False)
    upgrade_available = models.BooleanField(default=False)
    running_deleted = models.BooleanField(default=False)
    running_deferred = models.BooleanField(default=False)
    psirt = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["target_image"], name="recommendation_image")]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.reason_text}"


class CatalogRefresh(models.Model):
    """One refresh of the catalog: a fan-out over distinct (PID, current release) pairs of the inventory.

    At most one refresh is active (queued or running) at a time: ``active_slot`` is True only then, and unique,
    so two starts racing each other cannot both create one; pairs asked for meanwhile join the active refresh.
    """

    state = models.CharField(max_length=20, choices=RefreshState.choices, default=RefreshState.QUEUED)
    trigger = models.CharField(max_length=16, choices=RefreshTrigger.choices, default=RefreshTrigger.PAGE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    pairs_total = models.PositiveIntegerField(default=0)
    pairs_done = models.PositiveIntegerField(default=0, help_text="Finished pairs, failed ones included")
    pairs_failed = models.PositiveIntegerField(default=0)
    calls = models.PositiveIntegerField(default=0, help_text="Upstream queries the upstream answered")
    records = models.PositiveIntegerField(default=0, help_text="Release records received")
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries", help_text="Failed pairs of"
    )
    active_slot = models.BooleanField(null=True, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        permissions = [("refresh_catalog", "Can start a catalog refresh")]

    def __str__(self) -> str:
        return f"refresh #{self.pk} ({self.state})"

    @property
    def percent(self) -> int:
        """Pairs finished, in percent (0 when there are none)."""
        return round(100 * self.pairs_done / self.pairs_total) if self.pairs_total else 0

    @property
    def finished(self) -> bool:
        """Whether nothing of it runs any more."""
        return self.state in (RefreshState.DONE, RefreshState.DONE_WITH_ERRORS, RefreshState.FAILED)


class CatalogRefreshPair(models.Model):
    """One (PID, current release) of a refresh: its pages, records and error.

    Pairs of one PID share one "above" query from the lowest release; a pair answered by another
    pair's query points at it with ``answered_by`` and counts no calls of its own.
    """

    refresh = models.ForeignKey(CatalogRefresh, on_delete=models.CASCADE, related_name="pairs")
    pid = models.CharField(max_length=64)
    current_release = models.CharField(max_length=64)
    devices = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=16, choices=PairState.choices, default=PairState.QUEUED)
    calls = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    answered_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="answered", editable=False
    )
    error_code = models.CharField(max_length=64, blank=True)
    error_message = models.TextField(blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Of the upstream's error answer")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["refresh", "pid", "current_release"]
        constraints = [
            models.UniqueConstraint(fields=["refresh", "pid", "current_release"], name="refresh_pair_unique")
        ]
        indexes = [
            models.Index(fields=["refresh", "state"], name="refresh_pair_state"),
            models.Index(fields=["pid", "current_release", "-id"], name="refresh_pair_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.pid} @ {self.current_release or '-'}"
