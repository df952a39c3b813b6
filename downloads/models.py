"""Download jobs, the per-image transfer lock, and verified stored images."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from downloads.choices import (
    ACTIVE_STATES,
    CANCELLABLE_STATES,
    MOVING_STATES,
    RETRYABLE_STATES,
    TERMINAL_STATES,
    ComplianceNeed,
    JobSource,
    JobState,
    StoredImageStatus,
)


class StoredImage(models.Model):
    """One verified file in content-addressed storage (``<root>/<sha512[:2]>/<sha512>``), whoever asked for it."""

    sha512 = models.CharField(max_length=128, unique=True)
    md5 = models.CharField(max_length=32)
    size = models.BigIntegerField()
    name = models.CharField(max_length=255, help_text="Validated upstream file name; display and download name only.")
    image_guid = models.CharField(max_length=64, blank=True, db_index=True)
    pid = models.CharField(max_length=100, blank=True)
    mdf_id = models.CharField(max_length=32, blank=True)
    release_version = models.CharField(max_length=100, blank=True)
    software_type = models.CharField(max_length=200, blank=True)
    verified_at = models.DateTimeField()
    check_status = models.CharField(max_length=16, choices=StoredImageStatus.choices, default=StoredImageStatus.OK)
    checked_at = models.DateTimeField(null=True, blank=True, help_text="Last re-hash by verify_storage.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sha512[:12]})"

    def get_absolute_url(self) -> str:
        return reverse("downloads:image-detail", args=[self.pk])

    @property
    def relative_path(self) -> str:
        """The path under the storage root (derived from the digest, never from the name)."""
        return f"{self.sha512[:2]}/{self.sha512}"


class Transfer(models.Model):
    """The lock and state of the one transfer of an image: unique by sha512, so a second one cannot exist.

    Created atomically (the unique constraint, not check-then-set); deleted when the transfer ends. The
    download URL and cloud token are credentials for 60 minutes: they live only here, never in an API answer.
    """

    sha512 = models.CharField(max_length=128, unique=True)
    md5 = models.CharField(max_length=32, blank=True)
    size = models.BigIntegerField(null=True)
    image_guid = models.CharField(max_length=64, db_index=True)
    image_name = models.CharField(max_length=255)
    pid = models.CharField(max_length=100)
    mdf_id = models.CharField(max_length=32)
    metadata_trans_id = models.CharField(max_length=64, blank=True)
    metadata_at = models.DateTimeField(null=True)
    url = models.TextField(blank=True)
    token = models.CharField(max_length=512, blank=True)
    url_issued_at = models.DateTimeField(null=True)
    leader = models.ForeignKey("DownloadJob", null=True, on_delete=models.SET_NULL, related_name="+")
    bytes_done = models.BigIntegerField(default=0)
    mismatches = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"transfer of {self.image_name} ({self.sha512[:12]})"


class DownloadJob(models.Model):
    """A request to get one image into storage, and everything it went through (the database is the truth)."""

    pid = models.CharField(max_length=100)
    image_name = models.CharField(max_length=255)
    image_guid = models.CharField(max_length=64, blank=True)
    mdf_id = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=16, choices=JobSource.choices, default=JobSource.API)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="download_jobs"
    )
    state = models.CharField(max_length=32, choices=JobState.choices, default=JobState.QUEUED, db_index=True)
    waiting_for = models.CharField(max_length=16, choices=ComplianceNeed.choices, default="", blank=True)
    reason = models.TextField(blank=True, help_text="Why the job is where it is (ours), shown on pages and the API.")
    upstream_code = models.CharField(max_length=64, blank=True)
    upstream_message = models.TextField(blank=True, help_text="Raw, unsanitised: sanitise when rendering.")
    # What the metadata said about the image (the checks the bytes must pass).
    metadata_trans_id = models.CharField(max_length=64, blank=True)
    metadata_at = models.DateTimeField(null=True, blank=True)
    release_version = models.CharField(max_length=100, blank=True)
    software_type = models.CharField(max_length=200, blank=True)
    expected_size = models.BigIntegerField(null=True, blank=True)
    expected_md5 = models.CharField(max_length=32, blank=True)
    expected_sha512 = models.CharField(max_length=128, blank=True)
    actual_md5 = models.CharField(max_length=32, blank=True)
    actual_sha512 = models.CharField(max_length=128, blank=True)
    transfer = models.ForeignKey(Transfer, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    stored_image = models.ForeignKey(StoredImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    # Progress, saved at most twice a second.
    bytes_done = models.BigIntegerField(default=0)
    bytes_total = models.BigIntegerField(null=True, blank=True)
    rate = models.FloatField(default=0, help_text="Bytes per second.")
    eta_seconds = models.IntegerField(null=True, blank=True)
    # Who runs it: a task owns the job while run_id is its own; "" means a task may claim it.
    run_id = models.CharField(max_length=32, blank=True, default="")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    requeues = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "heartbeat_at"]), models.Index(fields=["expected_sha512"])]

    def __str__(self) -> str:
        return f"job {self.pk}: {self.image_name} for {self.pid} ({self.state})"

    def get_absolute_url(self) -> str:
        return reverse("downloads:job-detail", args=[self.pk])

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_moving(self) -> bool:
        """Whether a worker is on it or about to be (not ended, not waiting on a person)."""
        return self.state in MOVING_STATES

    @property
    def can_cancel(self) -> bool:
        return self.state in CANCELLABLE_STATES

    @property
    def can_retry(self) -> bool:
        return self.state in RETRYABLE_STATES

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 once stored)."""
        if self.state == JobState.STORED:
            return 100
        if not self.bytes_total:
            return 0
        return min(100, int(self.bytes_done * 100 / self.bytes_total))
