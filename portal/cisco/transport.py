"""HTTP for the ASD client: pooled session, timeouts, token, rate limit, retries, error answers -> exceptions.

Rules, per call (one API operation):

* Every attempt takes a fresh-enough token, waits for a slot of the shared rate limiter, and is sent with
  connect and read timeouts; the limiter is told when the answer came (the slot may then free up sooner).
  Redirects are not followed for API calls (the spec has none).
* Transient faults are retried with exponential backoff and jitter, bounded by ``RetryPolicy.max_attempts``
  and ``RetryPolicy.total_timeout``: connection errors, timeouts, bodies cut short or unreadable (truncated,
  corrupted), and 500/502/503/504/596 answers that carry no application error code.
* 403 "Account Over Queries Per Second Limit" / "Rate Limit Exceeded" and 429: wait (``Retry-After`` when
  given, else backoff) and retry, within a separate budget (``max_rate_limit_retries``).
* 403 "Account Over Rate Limit": the quota is spent; raise :class:`QuotaExhausted` at once.
* 403 "Not Authorized" (or a bare 401): the token was refused; fetch a new one once and retry; a second
  refusal raises :class:`AuthenticationFailed`.
* Any application error code (``PID_INVALID``, ``SER_UNEXPECT_FAIL``, ...) raises its typed exception at once:
  the same question would get the same answer.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from portal.cisco import errors
from portal.cisco.auth import TokenProvider
from portal.cisco.exceptions import (
    AsdError,
    AuthenticationFailed,
    ProtocolError,
    RateLimited,
    TokenUnavailable,
    UpstreamError,
    UpstreamUnavailable,
    upstream_error,
)
from portal.cisco.ratelimit import NoRateLimit, RateLimiter
from portal.cisco.redact import install_urllib3_filter, redact_text, redact_url

__all__ = ["RetryPolicy", "Transport", "describe_exception", "make_session", "read_error"]

logger = logging.getLogger("portal.cisco.transport")

USER_AGENT = "Depot-ASD-client/1"
TRANSIENT_EXCEPTIONS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; defaults suit Cisco's API, tests shrink them."""

    max_attempts: int = 5
    max_rate_limit_retries: int = 8
    backoff_initial: float = 0.5
    backoff_max: float = 15.0
    total_timeout: float = 180.0
    retry_after_max: float = 60.0
    retry_statuses: frozenset[int] = frozenset({500, 502, 503, 504, 596})

    def backoff(self, attempt: int) -> float:
        """Seconds before retry ``attempt`` (1-based): exponential, capped, with "equal jitter"."""
        ceiling = min(self.backoff_max, self.backoff_initial * (2 ** max(0, attempt - 1)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not cryptography


def make_session(pool_maxsize: int = 32) -> requests.Session:
    """A requests session with a connection pool sized for many threads of one process."""
    install_urllib3_filter()
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=8, pool_maxsize=pool_maxsize, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\"()\]]+|IncompleteRead\([^)]*\)|Read timed out|Connection reset by peer")


def describe_exception(exc: BaseException) -> str:
    """A short, secret-free description of a requests/urllib3 failure (its text names the URL: not reused)."""
    found = _ERRNO.search(str(exc))
    return f"{type(exc).__name__}: {found.group(0).strip()}" if found else type(exc).__name__


# --- reading error answers --------------------------------------------------------------------------------

_CODE_KEYS = ("code", "errorCode", "error_code", "statusCode", "status_code", "errorId")
_MESSAGE_KEYS = ("message", "errorMessage", "error_message", "statusMessage", "error_description", "description")
_NESTED_KEYS = ("error", "errors", "exception", "exceptions", "fault", "Error")
_TAGS = re.compile(r"<[^>]+>")


def _from_json(data: Any, depth: int = 0) -> tuple[str, str]:
    if depth > 3:
        return "", ""
    if isinstance(data, list):
        return _from_json(data[0], depth + 1) if data else ("", "")
    if not isinstance(data, Mapping):
        return "", ""
    code = next((str(data[k]) for k in _CODE_KEYS if data.get(k) not in (None, "", "0", 0)), "")
    message = next((str(data[k]) for k in _MESSAGE_KEYS if data.get(k)), "")
    if isinstance(data.get("error"), str) and not code:
        code = data["error"]
    if not code:
        for key in _NESTED_KEYS:
            if isinstance(data.get(key), Mapping | list):
                nested = _from_json(data[key], depth + 1)
                if nested[0]:
                    return nested[0], nested[1] or message
    return code.strip(), message.strip()


def _generic_row(status: int, *texts: str) -> errors.GenericError | None:
    rows = sorted(errors.generic_errors(status), key=lambda row: -len(row.message))
    for text in texts:
        lowered = text.lower()
        for row in rows:
            if text and (lowered == row.message.lower() or row.message.lower() in lowered):
                return row
    return None


def read_error(status: int, body: bytes, headers: Mapping[str, str], reason: str = "") -> tuple[str, str]:
    """(code, message) of an error answer: an application token, or a generic-table message, or raw text.

    Accepts the shapes seen in the wild: JSON with code/message keys (possibly nested under ``error``,
    ``errors`` or ``exception``), a gateway page naming the generic message (``<h1>Not Authorized</h1>``),
    Mashery's ``X-Mashery-Error-Code`` header, or only the status line.
    """
    text = body[:65536].decode("utf-8", "replace")
    try:
        code, message = _from_json(json.loads(text)) if text.strip() else ("", "")
    except ValueError:
        code, message = "", ""
    if code and errors.error_code(code) is not None:
        return code, message or errors.error_code(code).message  # type: ignore[union-attr]
    plain = " ".join(_TAGS.sub(" ", text).split())
    mashery = headers.get("X-Mashery-Error-Code", "").replace("_", " ")
    detail = headers.get("X-Error-Detail-Header", "")  # Mashery names the generic message here
    row = _generic_row(status, code, detail, message, plain, reason, _mashery_message(mashery))
    if row is not None:
        return row.message, (message if message and message != row.message else row.description)
    return code or (reason or f"HTTP {status}"), message or plain[:500]


def _mashery_message(text: str) -> str:
    upper = text.upper()
    if "OVER QPS" in upper:
        return errors.QPS_LIMIT_MESSAGE
    if "OVER RATE" in upper:
        return errors.RATE_LIMIT_MESSAGE
    if "NOT AUTHORIZED" in upper or "INVALID TOKEN" in upper:
        return errors.NOT_AUTHORIZED
    return ""


def retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), None if absent or unreadable."""
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


# --- the call loop ----------------------------------------------------------------------------------------


class RetrySignal(Exception):
    """Internal to the package: this attempt failed transiently; ``delay`` overrides the backoff when set."""

    def __init__(self, error: AsdError, delay: float | None = None, rate_limited: bool = False) -> None:
        self.error = error
        self.delay = delay
        self.rate_limited = rate_limited


class TokenRefused(Exception):
    """Internal to the package: the upstream refused ``token``; ``error`` is raised if a new one is refused too."""

    def __init__(self, token: str, error: UpstreamError) -> None:
        self.token = token
        self.error = error


class Transport:
    """Sends JSON calls to the API with the rules of the module docstring; shared by all client methods."""

    def __init__(
        self,
        *,
        base_url: str,
        tokens: TokenProvider,
        session: requests.Session,
        timeout: tuple[float, float],
        retry: RetryPolicy,
        limiter: RateLimiter | None = None,
        secrets: tuple[str, ...] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.session = session
        self.timeout = timeout
        self.retry = retry
        self.limiter = limiter or NoRateLimit()
        self._secrets = secrets
        self.sleep = sleep

    def __repr__(self) -> str:
        return f"<Transport {self.base_url}>"

    def url_for(self, path: str) -> str:
        """The absolute URL of an API path such as ``metadata/pidrelease``."""
        return f"{self.base_url}/software/v4.0/{path.lstrip('/')}"

    def redact(self, text: str) -> str:
        """Free text with secrets and query strings masked."""
        return redact_text(text, self._secrets)

    def call(self, method: str, path: str, payload: Mapping[str, Any] | None = None) -> tuple[dict, dt.datetime]:
        """Send one API operation; return its JSON object and when it was received (UTC)."""
        url = self.url_for(path)
        deadline = time.monotonic() + self.retry.total_timeout
        attempts = rate_limited = 0
        rejected: str | None = None
        while True:
            try:
                token = self.tokens.token(reject=rejected)
                slot = self.limiter.acquire(deadline=deadline)
                response, body = self._send(method, url, token, payload, attempts + rate_limited + 1)
                self.limiter.answered(slot)  # any answer: the upstream has seen the request by now
                return self._accept(response, body), dt.datetime.now(dt.UTC)
            except TokenRefused as refused:
                if rejected is not None:
                    raise refused.error from None
                rejected = refused.token
                self.tokens.invalidate(refused.token)
                logger.info("upstream refused the access token; fetching a new one once")
            except TokenUnavailable as exc:
                attempts += 1
                self._pause(RetrySignal(exc), attempts, rate_limited, deadline, url)
            except RetrySignal as retry:
                if retry.rate_limited:
                    rate_limited += 1
                else:
                    attempts += 1
                self._pause(retry, attempts, rate_limited, deadline, url)

    def _send(
        self, method: str, url: str, token: str, payload: Mapping[str, Any] | None, attempt: int
    ) -> tuple[requests.Response, bytes]:
        started = time.monotonic()
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            response = self.session.request(
                method, url, json=payload, headers=headers, timeout=self.timeout, allow_redirects=False
            )
            body = response.content
        except TRANSIENT_EXCEPTIONS as exc:
            logger.debug("ASD %s %s failed on attempt %d: %s", method, redact_url(url), attempt, type(exc).__name__)
            error = UpstreamUnavailable(describe_exception(exc), url=redact_url(url))
            raise RetrySignal(error) from None
        except requests.RequestException as exc:  # invalid URL, too many redirects...: not transient
            raise ProtocolError(describe_exception(exc), url=redact_url(url)) from None
        logger.debug(
            "ASD %s %s -> %s in %.0f ms (attempt %d)",
            method,
            redact_url(url),
            response.status_code,
            (time.monotonic() - started) * 1e3,
            attempt,
        )
        response._depot_token = token  # type: ignore[attr-defined]  # which token a refusal refers to
        return response, body

    def _accept(self, response: requests.Response, body: bytes) -> dict:
        url = redact_url(response.url or "")
        if 200 <= response.status_code < 300:
            data = _json_object(body)
            if data is None:
                # Cut or corrupted on the way (a whole answer is always a JSON object): ask again.
                error = ProtocolError("answer is not a JSON object", http_status=response.status_code, url=url)
                raise RetrySignal(error)
            status_code = str(data.get("statusCode", "0") or "0").strip()
            if status_code not in ("0", "200") and errors.error_code(status_code) is not None:
                raise upstream_error(status_code, str(data.get("statusMessage") or ""), response.status_code, url=url)
            return data
        token = getattr(response, "_depot_token", "")
        self.raise_for_error(response.status_code, body, response.headers, response.reason or "", url=url, token=token)
        raise AssertionError("unreachable")  # pragma: no cover

    def raise_for_error(
        self, status: int, body: bytes, headers: Mapping[str, str], reason: str, *, url: str, token: str
    ) -> None:
        """Turn an error answer into the exception the module docstring's rules ask for (never returns)."""
        code, message = read_error(status, body, headers, reason)
        message = self.redact(message)
        known = errors.error_code(code) is not None
        if code == errors.NOT_AUTHORIZED or (status == 401 and not known):
            raise TokenRefused(token, AuthenticationFailed(message, code=code, http_status=status, url=url))
        if code == errors.RATE_LIMIT_MESSAGE:
            raise upstream_error(code, message, status, url=url)
        if status == 429 or code in (errors.QPS_LIMIT_MESSAGE, errors.RATE_LIMIT_EXCEEDED_MESSAGE):
            wait = retry_after(headers)
            limited = RateLimited(message, code=code, http_status=status, url=url)
            delay = min(wait, self.retry.retry_after_max) if wait is not None else None
            raise RetrySignal(limited, delay, rate_limited=True)
        if status in self.retry.retry_statuses and not known:
            unavailable = UpstreamUnavailable(message, code=code, http_status=status, url=url)
            raise RetrySignal(unavailable, retry_after(headers))
        raise upstream_error(code, message, status, url=url)

    def _pause(self, retry: RetrySignal, attempts: int, rate_limited: int, deadline: float, url: str) -> None:
        """Sleep before the next attempt, or raise the last error when a budget is spent."""
        error = retry.error
        if retry.rate_limited:
            spent = rate_limited > self.retry.max_rate_limit_retries
            delay = retry.delay if retry.delay is not None else self.retry.backoff(rate_limited)
        else:
            spent = attempts >= self.retry.max_attempts
            delay = retry.delay if retry.delay is not None else self.retry.backoff(attempts)
            delay = min(delay, self.retry.retry_after_max)
        if spent or time.monotonic() + delay > deadline:
            if isinstance(error, UpstreamUnavailable):
                error.attempts = attempts
            raise error from None
        logger.warning(
            "ASD %s: %s; retry in %.2f s (attempt %d, rate-limited %d)",
            redact_url(url),
            error,
            delay,
            attempts,
            rate_limited,
        )
        self.sleep(delay)


def _json_object(body: bytes) -> dict | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
