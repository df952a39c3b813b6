"""Is the upstream (Cisco's ASD API, or the simulator) working? Recorded from real calls, read cheaply.

Every API call made through :mod:`portal.cisco.provider` reports its outcome here (:func:`upstream_call_record`,
registered in CoreConfig.ready). The shared cache keeps one small record for every process: when the upstream last
answered, when the current run of failures began and why (redacted). Pages show engineers and officers a banner
from it, and /healthz reports it, so nobody has to guess why a refresh or a download "failed".

Only failures that say the upstream cannot be used count: unreachable or 5xx after the client's retries, refused
credentials, rate limit or quota spent, answers the spec does not allow. An application error (``PID_INVALID``,
``NO_DATA_FOUND``, a K9 form needed...) is an answer: the upstream works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from portal.cisco.exceptions import (
    AsdError,
    AuthenticationFailed,
    ProtocolError,
    QuotaExhausted,
    RateLimited,
    UpstreamUnavailable,
)
from portal.cisco.redact import redact_text
from portal.core.health import Check
from portal.core.text import text_clean

STATUS_KEY = "upstream:status"
PROBE_KEY = "upstream:token-probe"
FAILURES = (UpstreamUnavailable, AuthenticationFailed, RateLimited, QuotaExhausted, ProtocolError)
# A success is written at most this often while nothing fails (one cache read per call otherwise).
SUCCESS_WRITE_INTERVAL = 60.0
PROBE_TTL = 30  # seconds a token-endpoint probe answers /healthz (load balancers poll every few seconds)
PROBE_TIMEOUT = (2.0, 3.0)
REASON_MAX = 300


@dataclass(frozen=True)
class UpstreamStatus:
    """What the last calls to the upstream said: failing since when and why, and when it last answered."""

    last_success: dt.datetime | None = None
    failing_since: dt.datetime | None = None
    last_failure: dt.datetime | None = None
    reason: str = ""
    failures: int = 0

    @property
    def failing(self) -> bool:
        """Whether the latest call failed (and so every call since ``failing_since``)."""
        return self.failing_since is not None


def _stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _key(prefix: str, *parts: str) -> str:
    # Per upstream and client: after the settings point elsewhere, what the old upstream did is not shown.
    return f"{prefix}:{hashlib.sha256(chr(10).join(parts).encode()).hexdigest()[:16]}"


def _status_key() -> str:
    return _key(STATUS_KEY, settings.PORTAL_UPSTREAM_URL, settings.PORTAL_CLIENT_ID)


def upstream_status() -> UpstreamStatus:
    """The recorded status (one cache read; an empty status when nothing was recorded)."""
    data = cache.get(_status_key())
    if not isinstance(data, dict):
        return UpstreamStatus()
    return UpstreamStatus(
        last_success=_parse(data.get("last_success")),
        failing_since=_parse(data.get("failing_since")),
        last_failure=_parse(data.get("last_failure")),
        reason=str(data.get("reason") or ""),
        failures=int(data.get("failures") or 0),
    )


def _save(status: UpstreamStatus) -> None:
    cache.set(
        _status_key(),
        {
            "last_success": _stamp(status.last_success),
            "failing_since": _stamp(status.failing_since),
            "last_failure": _stamp(status.last_failure),
            "reason": status.reason,
            "failures": status.failures,
        },
        None,
    )


def failure_reason(error: BaseException) -> str:
    """A short, redacted account of a failure, fit for a page: no secret, no query string, no control character."""
    text = redact_text(f"{type(error).__name__}: {error}", (settings.PORTAL_CLIENT_SECRET,))
    text = "".join(c if c.isprintable() else " " for c in text_clean(text))
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def upstream_call_record(error: AsdError | None, *, now: dt.datetime | None = None) -> None:
    """Record the outcome of one API call (the provider's call observer). Races between processes are harmless:
    the latest outcome wins, and a run of failures keeps the time of its first."""
    now = now or timezone.now()
    status = upstream_status()
    if error is None or not isinstance(error, FAILURES):
        recent = status.last_success and (now - status.last_success).total_seconds() < SUCCESS_WRITE_INTERVAL
        if status.failing or not recent:
            _save(UpstreamStatus(last_success=now, last_failure=status.last_failure))
        return
    _save(
        UpstreamStatus(
            last_success=status.last_success,
            failing_since=status.failing_since or now,
            last_failure=now,
            reason=failure_reason(error),
            failures=status.failures + 1,
        )
    )


def check_upstream_calls() -> Check:
    """Health check: did the latest call to the upstream work?"""
    status = upstream_status()
    if status.failing:
        since = status.failing_since.isoformat() if status.failing_since else "?"
        return Check("upstream", False, f"failing since {since} ({status.failures} calls): {status.reason}")
    if status.last_success is None:
        return Check("upstream", True, "no call recorded yet")
    return Check("upstream", True, f"last answer {status.last_success.isoformat()}")


def check_token_endpoint() -> Check:
    """Health check: does the OAuth2 token endpoint answer HTTP at all? (A HEAD request: no token is issued and
    no credential sent; any HTTP status proves the route, TLS and server work.) Kept for PROBE_TTL seconds in the
    shared cache so frequent probes of /healthz do not become traffic to Cisco."""
    url = settings.PORTAL_TOKEN_URL
    key = _key(PROBE_KEY, url)
    cached = cache.get(key)
    if isinstance(cached, dict):
        return Check("upstream_token", bool(cached.get("ok")), str(cached.get("detail", "")))
    started = time.monotonic()
    try:
        response = requests.head(url, timeout=PROBE_TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        ok, detail = False, f"{type(exc).__name__}: cannot reach {url}"
    else:
        elapsed = (time.monotonic() - started) * 1e3
        ok, detail = True, f"{url} answers (HTTP {response.status_code} in {elapsed:.0f} ms)"
    cache.set(key, {"ok": ok, "detail": detail}, PROBE_TTL)
    return Check("upstream_token", ok, detail)
