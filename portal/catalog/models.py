"""The catalog: what the upstream says about each product (rows filled by refreshes), standards, recommendations.

Product -> Release -> Image mirror metadata/pidrelease and metadata/pidimage; every row keeps when it was
fetched and the metadataTransId that returned it. Release.sort_key holds the Cisco order as text
(portal.cisco.versionkey) so ordering and "above the current release" happen in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.text import Truncator

from portal.catalog.choices import Fit, PairState, Reason, RefreshState, RefreshTrigger
from portal.catalog.fit import FitResult, fit_text, needs_text, short_text


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


def standard_scope_text(target: str, site: str, role: str) -> str:
    """A standard's scope in words: "Catalyst 9300 family, site Munich", "C9300-24P, role access"."""
    return ", ".join(part for part in (target, f"site {site}" if site else "", f"role {role}" if role else "") if part)


def standard_precedence(*, is_family: bool, site: str, role: str) -> tuple[bool, bool, bool]:
    """How a standard ranks among those matching a device (higher wins): a PID before a family at every level,
    then a site, then a role. PID+site+role > PID+site > PID+role > PID > family+site+role > family+site >
    family+role > family: a PID standard is usually there for the hardware, which no site or role overrides."""
    return (not is_family, bool(site), bool(role))


def family_display(name: str, key: str) -> str:
    """An image family as people name it: "Catalyst 9300 family" (its stem when its PIDs' names share nothing)."""
    return f"{name or key} family"


class ImageFamily(models.Model):
    """The PIDs whose releases ship image files of one name stem (``cat9k_iosxe``: every Catalyst 9300 model),
    derived from the catalog when recommendations are recomputed; named after what the PIDs' upstream names
    (mdfConceptName) share, e.g. "Catalyst 9300" (see portal.cisco.imagefamily)."""

    key = models.CharField(max_length=100, unique=True, help_text="The image file name stem, e.g. cat9k_iosxe")
    name = models.CharField(max_length=255, blank=True, help_text="What the PIDs' upstream names share")
    products = models.ManyToManyField(Product, related_name="image_families", blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "key"]
        verbose_name_plural = "image families"

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """The family as people name it (see :func:`family_display`)."""
        return family_display(self.name, self.key)


class StandardRelease(models.Model):
    """The golden release of a PID, or of an image family (every PID shipping the same image files), for every
    device of it or only at one site and/or in one role.

    A family standard names one member's release; every member PID gets its own release of that software type
    and version. Of the standards matching a device, the one of highest :func:`standard_precedence` applies.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="standards", null=True, blank=True)
    family = models.ForeignKey(ImageFamily, on_delete=models.PROTECT, related_name="standards", null=True, blank=True)
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="standards")
    site = models.CharField(max_length=100, blank=True, help_text="Empty: every site")
    role = models.CharField(max_length=100, blank=True, help_text="Empty: every role")
    note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["product", "family", "site", "role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product__isnull=False, family__isnull=True)
                | models.Q(product__isnull=True, family__isnull=False),
                name="standard_pid_or_family",
            ),
            models.UniqueConstraint(
                fields=["product", "site", "role"],
                condition=models.Q(product__isnull=False),
                name="standard_pid_scope_unique",
            ),
            models.UniqueConstraint(
                fields=["family", "site", "role"],
                condition=models.Q(family__isnull=False),
                name="standard_family_scope_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_text}: {self.release.version}"

    @property
    def precedence(self) -> tuple[bool, bool, bool]:
        """How it ranks among the standards matching a device (see :func:`standard_precedence`)."""
        return standard_precedence(is_family=self.family_id is not None, site=self.site, role=self.role)

    @property
    def target_text(self) -> str:
        """What it is for: the PID, or the family's name."""
        return self.family.display if self.family_id else self.product.pid

    @property
    def scope_text(self) -> str:
        """The scope in words: "Catalyst 9300 family, site Munich"."""
        return standard_scope_text(self.target_text, self.site, self.role)


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
    downgrade = models.BooleanField(default=False, help_text="The target is below the running release")
    # NULL, not "", when there is no target: the device list sorts those last in either direction (nulls_last).
    target_key = models.CharField(max_length=255, null=True, blank=True, help_text="The target's Cisco order key")  # noqa: DJ001
    fit = models.CharField(max_length=12, choices=Fit.choices, default=Fit.UNKNOWN)
    min_memory_mb = models.PositiveIntegerField(null=True, blank=True, help_text="The target image's minDram")
    min_flash_mb = models.PositiveIntegerField(null=True, blank=True, help_text="The target image's minFlash")
    memory_short_mb = models.PositiveIntegerField(null=True, blank=True, help_text="DRAM missing for the target")
    flash_short_mb = models.PositiveIntegerField(null=True, blank=True, help_text="Flash missing for the target")
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["target_image"], name="recommendation_image")]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.reason_text}"

    @property
    def fit_result(self) -> FitResult:
        """The stored fit verdict with its figures."""
        return FitResult(self.fit, self.min_memory_mb, self.min_flash_mb, self.memory_short_mb, self.flash_short_mb)

    @property
    def fit_text(self) -> str:
        """The fit verdict in a sentence ("Does not fit: 4 GB of DRAM short (needs DRAM ≥ 8 GB).")."""
        return fit_text(
            self.fit_result,
            memory_mb=self.device.memory_mb,
            flash_mb=self.device.flash_mb,
            has_target=self.target_image_id is not None,
        )

    @property
    def short_text(self) -> str:
        """What the device lacks for its target: "4 GB of DRAM short" (meaningful when the fit is too_small)."""
        return short_text(self.memory_short_mb, self.flash_short_mb)

    @property
    def needs_text(self) -> str:
        """What the target image asks for: "DRAM ≥ 8 GB, flash ≥ 16 GB" (empty when nothing is published)."""
        return needs_text(self.min_memory_mb, self.min_flash_mb)


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

    @property
    def failure_text(self) -> str:
        """What a failed query got, in plain text: "BAD_REQUEST (HTTP 400) — <message, 300 characters at most>"."""
        why = self.error_code or "no answer"
        if self.http_status:
            why += f" (HTTP {self.http_status})"
        if self.error_message:
            why += f" — {Truncator(self.error_message).chars(300)}"
        return why
