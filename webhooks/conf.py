"""The webhooks app's settings, each with its default, read in one place.

Every value is a setting of portal/settings.py, set by the environment variable of the same name; tests
override them with pytest-django's ``settings`` fixture (or the environment of the worker they start).
"""

from __future__ import annotations

from django.conf import settings

from portal.cisco.download import HostPolicy
from portal.cisco.transport import RetryPolicy

ALLOWED_HOSTS_SETTING = "PORTAL_ALLOWED_WEBHOOK_HOSTS"


def _number(name: str, default: float) -> float:
    try:
        return float(getattr(settings, name, default))
    except (TypeError, ValueError):
        return default


def host_policy() -> HostPolicy:
    """The targets a webhook may have: PORTAL_ALLOWED_WEBHOOK_HOSTS, read by the download host policy's own code
    (same syntax, same rules; plain http only to hosts listed exactly, or to any allowed host with DEBUG)."""
    hosts = getattr(settings, ALLOWED_HOSTS_SETTING, [])
    hosts = hosts.split(",") if isinstance(hosts, str) else hosts
    return HostPolicy(hosts, allow_http=bool(settings.DEBUG), setting=ALLOWED_HOSTS_SETTING)


def timeouts() -> tuple[float, float]:
    """PORTAL_WEBHOOK_CONNECT_TIMEOUT, PORTAL_WEBHOOK_READ_TIMEOUT: seconds (5, 10) for one attempt."""
    return _number("PORTAL_WEBHOOK_CONNECT_TIMEOUT", 5), _number("PORTAL_WEBHOOK_READ_TIMEOUT", 10)


def max_attempts() -> int:
    """PORTAL_WEBHOOK_MAX_ATTEMPTS: attempts of one delivery before it fails (6: the last about 5 minutes after
    the first with the default backoff)."""
    return max(int(_number("PORTAL_WEBHOOK_MAX_ATTEMPTS", 6)), 1)


def retry_policy() -> RetryPolicy:
    """The backoff between attempts: the ASD client's formula (exponential, capped, jittered), with its first
    step PORTAL_WEBHOOK_RETRY_BACKOFF (10 s) and its cap PORTAL_WEBHOOK_RETRY_BACKOFF_MAX (300 s)."""
    return RetryPolicy(
        max_attempts=max_attempts(),
        backoff_initial=_number("PORTAL_WEBHOOK_RETRY_BACKOFF", 10),
        backoff_max=_number("PORTAL_WEBHOOK_RETRY_BACKOFF_MAX", 300),
    )


def stale_seconds() -> float:
    """PORTAL_WEBHOOK_STALE: a delivery due (or being sent) this long without progress is enqueued again (the
    broker lost it, or its worker died mid-attempt)."""
    return _number("PORTAL_WEBHOOK_STALE", 120)


def log_days() -> float:
    """PORTAL_WEBHOOK_LOG_DAYS: finished deliveries older than this are deleted from the log (30 days)."""
    return _number("PORTAL_WEBHOOK_LOG_DAYS", 30)


# Bytes of a receiver's answer kept as the error text of a failed attempt (it is untrusted: escaped when shown).
ANSWER_EXCERPT = 300
SECRET_MIN_LENGTH = 16
USER_AGENT = "Depot-Webhooks/1"
