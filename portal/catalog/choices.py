"""Choices of the catalog app."""

from __future__ import annotations

from django.db import models


class RefreshState(models.TextChoices):
    """Where a catalog refresh is."""

    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    DONE_WITH_ERRORS = "done_with_errors", "done with errors"
    FAILED = "failed", "failed"


class PairState(models.TextChoices):
    """Where one (PID, current release) query of a refresh is."""

    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    NO_DATA = "no_data", "no data upstream"
    FAILED = "failed", "failed"


FINISHED_PAIR_STATES = (PairState.DONE, PairState.NO_DATA, PairState.FAILED)


class CatalogState(models.TextChoices):
    """Whether the releases known above a device's (PID, release) are the whole list: what became of the latest
    query about the pair (``PairStatus.state``)."""

    FETCHED = "fetched", "fetched"
    NOT_FETCHED = "not_fetched", "not fetched yet"
    FETCHING = "fetching", "being fetched"
    FAILED = "failed", "the last fetch failed"


class RefreshTrigger(models.TextChoices):
    """Who started a refresh."""

    PAGE = "page", "page"
    API = "api", "REST API"
    SCHEDULE = "schedule", "beat schedule"
    COMMAND = "command", "command line"
    INVENTORY = "inventory", "new devices"
    RETRY = "retry", "retry of failed pairs"


class Reason(models.TextChoices):
    """Why a device got its target release."""

    STANDARD = "standard", "standard release"
    ON_STANDARD = "on_standard", "already on its standard"
    SUGGESTED = "suggested", "newest suggested release above the current one"
    LATEST = "latest", "latest release"
    UP_TO_DATE = "up_to_date", "already on the latest release"
    NO_CATALOG = "no_catalog", "no catalog data for the PID"
    NO_RELEASES = "no_releases", "no usable release in the catalog"


class FleetStatus(models.TextChoices):
    """The dashboard's buckets (a device may be in several); also the ``status`` filter of device lists."""

    ON_STANDARD = "on_standard", "on its standard"
    OFF_STANDARD = "off_standard", "not on its standard"
    NO_STANDARD = "no_standard", "no standard applies"
    UPGRADE_AVAILABLE = "upgrade_available", "upgrade available"
    UP_TO_DATE = "up_to_date", "up to date"
    RUNNING_DELETED = "running_deleted", "running a deleted image"
    RUNNING_DEFERRED = "running_deferred", "running a deferred release"
    PSIRT = "psirt", "on a PSIRT-flagged release"
    DOWNGRADE = "downgrade", "target below the running release"
    TOO_SMALL = "too_small", "target does not fit"
    NO_CATALOG = "no_catalog", "no catalog data"


class Fit(models.TextChoices):
    """Whether a device's memory and flash meet its target image's published minimums (minDram, minFlash)."""

    FITS = "fits", "fits"
    TOO_SMALL = "too_small", "does not fit"
    UNKNOWN = "unknown", "fit unknown"
