"""The downloads app's settings, each with its default, read in one place.

Every value is a setting of portal/settings.py, set by the environment variable of the same name; tests
override them with pytest-django's ``settings`` fixture (or the environment of the worker they start).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def _value(name: str, default: object) -> object:
    return getattr(settings, name, default)


def _number(name: str, default: float) -> float:
    try:
        return float(_value(name, default))
    except (TypeError, ValueError):
        return default


def storage_dir() -> Path:
    """The storage root (PORTAL_STORAGE_DIR): stored images and, in .partial/, transfers in progress."""
    return Path(settings.PORTAL_STORAGE_DIR)


def max_rate() -> float:
    """PORTAL_DOWNLOAD_MAX_RATE: bytes per second one transfer may take (0: no cap; WAN links, tests)."""
    return max(_number("PORTAL_DOWNLOAD_MAX_RATE", 0), 0)


def chunk_size() -> int:
    """PORTAL_DOWNLOAD_CHUNK_SIZE: bytes read from the socket at once (1 MiB: large reads keep Python cheap)."""
    return max(int(_number("PORTAL_DOWNLOAD_CHUNK_SIZE", 1 << 20)), 64 << 10)


def heartbeat_stale_seconds() -> float:
    """PORTAL_DOWNLOAD_HEARTBEAT_STALE: a running job whose heartbeat is older than this is requeued."""
    return _number("PORTAL_DOWNLOAD_HEARTBEAT_STALE", 120)


def queued_stale_seconds() -> float:
    """PORTAL_DOWNLOAD_QUEUED_STALE: a queued job untouched this long is enqueued again (lost by the broker)."""
    return _number("PORTAL_DOWNLOAD_QUEUED_STALE", 300)


def partial_max_age_seconds() -> float:
    """PORTAL_PARTIAL_MAX_AGE: partial files with no live transfer are deleted after this long (a day)."""
    return _number("PORTAL_PARTIAL_MAX_AGE", 86400)


def device_link_max_age_seconds() -> int:
    """PORTAL_DEVICE_LINK_MAX_AGE: how long a signed device link stays valid (a day)."""
    return int(_number("PORTAL_DEVICE_LINK_MAX_AGE", 86400))


def serve_accel_prefix() -> str:
    """PORTAL_SERVE_ACCEL_PREFIX: when set (e.g. /_storage/), nginx serves files via X-Accel-Redirect."""
    return str(_value("PORTAL_SERVE_ACCEL_PREFIX", "") or "")


def stream_attempts() -> int:
    """PORTAL_DOWNLOAD_RESUME_ATTEMPTS: resumes in a row without progress before a transfer gives up."""
    return max(int(_number("PORTAL_DOWNLOAD_RESUME_ATTEMPTS", 6)), 1)


# The ASD spec: metadataTransId and download URLs expire after 60 minutes; we stop using them at 55.
METADATA_MAX_AGE_SECONDS = 55 * 60
URL_MAX_AGE_SECONDS = 55 * 60
PROGRESS_INTERVAL_SECONDS = 0.5  # at most twice a second, as the design asks
