"""States and enumerations of the downloads app."""

from __future__ import annotations

from django.db import models


class JobState(models.TextChoices):
    """Where a download job is: queued -> authorizing -> (awaiting compliance | blocked by compliance | blocked)
    -> downloading -> verifying -> stored | failed | cancelled.

    Awaiting compliance: a form must be accepted. Blocked by compliance: the form was declined (by an officer, or
    Cisco says so); an acceptance resumes it like a waiting job. Blocked: Cisco refuses it for reasons no form
    changes (contract, login, export)."""

    QUEUED = "queued", "Queued"
    AUTHORIZING = "authorizing", "Authorizing"
    AWAITING_COMPLIANCE = "awaiting_compliance", "Awaiting compliance"
    BLOCKED_BY_COMPLIANCE = "blocked_by_compliance", "Blocked by compliance"
    BLOCKED = "blocked", "Blocked"
    DOWNLOADING = "downloading", "Downloading"
    VERIFYING = "verifying", "Verifying"
    STORED = "stored", "Stored"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


TERMINAL_STATES = frozenset({JobState.STORED, JobState.FAILED, JobState.CANCELLED})
# States in which a worker is (or should be) doing something for the job, so its heartbeat matters.
ACTIVE_STATES = frozenset({JobState.AUTHORIZING, JobState.DOWNLOADING, JobState.VERIFYING})
# States that change without anyone doing anything (pages poll them fast).
MOVING_STATES = ACTIVE_STATES | {JobState.QUEUED}
CANCELLABLE_STATES = frozenset(
    {
        JobState.QUEUED,
        JobState.AUTHORIZING,
        JobState.AWAITING_COMPLIANCE,
        JobState.BLOCKED_BY_COMPLIANCE,
        JobState.BLOCKED,
        JobState.DOWNLOADING,
        JobState.VERIFYING,
    }
)
RETRYABLE_STATES = frozenset({JobState.FAILED, JobState.CANCELLED, JobState.BLOCKED})
# Held until a compliance officer decides a form (``waiting_for`` names it); an acceptance resumes them by itself.
HELD_BY_COMPLIANCE = frozenset({JobState.AWAITING_COMPLIANCE, JobState.BLOCKED_BY_COMPLIANCE})


class ComplianceNeed(models.TextChoices):
    """The form(s) a job waits for (``DownloadJob.waiting_for``); empty when it waits for none."""

    NONE = "", "Nothing"
    K9 = "k9", "K9 (export) form"
    EULA = "eula", "EULA"
    K9_EULA = "k9_eula", "K9 form and EULA"


class JobSource(models.TextChoices):
    """Where a request came from."""

    PAGE = "page", "Release browser"
    API = "api", "REST API"
    COMMAND = "command", "Command line"
    FLEET = "fleet", "Fleet report"
    DEVICES = "devices", "Selected devices"


class SkipReason(models.TextChoices):
    """Why a fleet request did not ask for one of the devices' target images."""

    TOO_SMALL = "too_small", "fits none of its devices"


class StoredImageStatus(models.TextChoices):
    """Result of the last re-hash of a stored file (``manage.py verify_storage``)."""

    OK = "ok", "Verified"
    CHANGED = "changed", "Bytes changed"
    MISSING = "missing", "File missing"
