"""OAuth2 client credentials, one token shared by every process through a :class:`TokenStore`.

The store is anything with Django's cache API (``get``/``set``/``add``/``delete``): Django's default cache in
Depot (Redis in production, the database cache with the embedded defaults), :class:`MemoryTokenStore` for a
single process. How one token per expiry is fetched however many callers want it at once:

1. A token is "fresh" until ``refresh_at`` (``expires_in`` minus ``refresh_margin`` seconds, 60 by default,
   at most half the lifetime), so it is replaced before it expires in flight.
2. Threads of one process queue on a local lock, so only one of them goes to the store's lock.
3. Processes race on ``store.add(lock_key)``, which is atomic in both of Django's caches (SET NX in Redis,
   an INSERT that fails on the primary key in the database cache). The winner checks the store again
   (another process may have just stored a token: double-checked), fetches, stores, releases; the others
   poll the store every ``poll_interval`` until the token appears.
4. The lock expires after ``lock_timeout`` (more than a token request may take), so a holder that dies
   cannot block the others for longer; a waiter that outlives it fetches by itself.

When the upstream refuses a token ("Not Authorized", e.g. revoked or expired early), the caller passes it as
``reject``: a store entry holding that same token is treated as stale, so exactly one new token is fetched
for all callers that saw the refusal, and a token someone else already replaced is simply reused.

The client secret lives only in this module's :class:`ClientCredentials` (repr masked) and in the body of
the token request; it is never logged and never put in an exception.
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

from portal.cisco.exceptions import AuthenticationFailed, ProtocolError, TokenUnavailable
from portal.cisco.redact import redact_text, redact_url

__all__ = [
    "AccessToken",
    "ClientCredentials",
    "MemoryTokenStore",
    "TokenProvider",
    "TokenStore",
    "request_token",
]

logger = logging.getLogger("portal.cisco.auth")


class TokenStore(Protocol):
    """The subset of Django's cache API the token sharing needs (``add`` must be atomic across processes)."""

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value or ``default``."""

    def set(self, key: str, value: Any, timeout: float | None = ...) -> None:
        """Store ``value`` for ``timeout`` seconds."""

    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool:
        """Store ``value`` only if ``key`` is absent; True if stored."""

    def delete(self, key: str) -> Any:
        """Remove ``key``."""


class MemoryTokenStore:
    """A process-local :class:`TokenStore` (tests, one-off scripts); not shared between processes."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> tuple[Any, float | None] | None:
        item = self._data.get(key)
        if item is not None and item[1] is not None and item[1] <= time.time():
            del self._data[key]
            return None
        return item

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value or ``default``."""
        with self._lock:
            item = self._live(key)
            return default if item is None else item[0]

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        """Store ``value`` for ``timeout`` seconds (None: forever)."""
        with self._lock:
            self._data[key] = (value, None if timeout is None else time.time() + timeout)

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        """Store ``value`` only if ``key`` is absent."""
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (value, None if timeout is None else time.time() + timeout)
            return True

    def delete(self, key: str) -> bool:
        """Remove ``key``."""
        with self._lock:
            return self._data.pop(key, None) is not None


@dataclass(frozen=True)
class ClientCredentials:
    """Where and as whom to ask for tokens; the secret is masked in repr."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)

    def cache_key(self, prefix: str) -> str:
        """A store key unique to this token endpoint and client id (the secret is not part of it)."""
        digest = hashlib.sha256(f"{self.token_url}\n{self.client_id}".encode()).hexdigest()[:24]
        return f"{prefix}:{digest}"


@dataclass(frozen=True)
class AccessToken:
    """A bearer token and when to replace it (epoch seconds of the client's clock)."""

    value: str = field(repr=False)
    expires_at: float
    refresh_at: float
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret

    def to_store(self) -> dict[str, Any]:
        """The plain dict kept in the shared store."""
        return {"v": self.value, "exp": self.expires_at, "ref": self.refresh_at, "type": self.token_type}

    @classmethod
    def from_store(cls, data: Any) -> AccessToken | None:
        """Rebuild from :meth:`to_store`'s dict; None for anything else."""
        try:
            return cls(str(data["v"]), float(data["exp"]), float(data["ref"]), str(data.get("type", "Bearer")))
        except (TypeError, KeyError, ValueError):
            return None


def request_token(
    session: requests.Session,
    credentials: ClientCredentials,
    *,
    timeout: tuple[float, float],
    refresh_margin: float = 60.0,
    clock: Callable[[], float] = time.time,
) -> AccessToken:
    """POST the client-credentials grant once; raise TokenUnavailable (transient) or AuthenticationFailed."""
    started = clock()
    url = redact_url(credentials.token_url)
    try:
        response = session.post(
            credentials.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": credentials.client_id,
                "client_secret": credentials.client_secret,
            },
            headers={"Accept": "application/json"},
            timeout=timeout,
            allow_redirects=False,
        )
        body = response.content
    except requests.RequestException as exc:
        from portal.cisco.transport import describe_exception  # transport imports this module

        raise TokenUnavailable(f"token request failed: {describe_exception(exc)}", url=url) from None
    logger.debug("token request to %s answered %s in %.0f ms", url, response.status_code, (clock() - started) * 1e3)
    if response.status_code >= 500 or response.status_code == 429:
        raise TokenUnavailable("token endpoint unavailable", http_status=response.status_code, url=url)
    try:
        data = response.json() if body else {}
    except ValueError:
        data = None
    if response.status_code != 200:
        code, message = "", "token request refused"
        if isinstance(data, dict):
            code = str(data.get("error") or "")
            message = str(data.get("error_description") or message)
        raise AuthenticationFailed(
            redact_text(message, (credentials.client_secret,)), code=code, http_status=response.status_code, url=url
        )
    if not isinstance(data, dict) or not data.get("access_token"):
        # A cut or corrupted body is transient: the next request will most likely be whole.
        raise TokenUnavailable("token endpoint answered without a readable access_token", url=url)
    try:
        lifetime = float(data.get("expires_in") or 3600)
    except (TypeError, ValueError):
        raise ProtocolError("token endpoint answered a non-numeric expires_in", url=url) from None
    margin = min(refresh_margin, lifetime / 2)
    return AccessToken(
        value=str(data["access_token"]),
        expires_at=started + lifetime,
        refresh_at=started + lifetime - margin,
        token_type=str(data.get("token_type") or "Bearer"),
    )


class TokenProvider:
    """Hands out a fresh bearer token, fetching one per expiry for all processes (see the module docstring)."""

    def __init__(
        self,
        *,
        fetch: Callable[[], AccessToken],
        store: TokenStore,
        key: str,
        lock_timeout: float = 75.0,
        poll_interval: float = 0.05,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fetch = fetch
        self._store = store
        self.key = key
        self._key = key
        self._lock_key = f"{key}:lock"
        self._lock_timeout = max(1, int(lock_timeout + 0.999))  # Redis cache timeouts are whole seconds
        self._poll = poll_interval
        self._clock = clock
        self._sleep = sleep
        self._local: AccessToken | None = None
        self._thread_lock = threading.Lock()
        self.fetch_count = 0  # tokens fetched by this provider (for diagnostics and tests)

    def __repr__(self) -> str:
        return f"<TokenProvider key={self._key!r}>"

    def token(self, *, reject: str | None = None) -> str:
        """A bearer token that is fresh and is not ``reject`` (a token the upstream just refused)."""
        if (value := self._known(reject)) is not None:
            return value
        with self._thread_lock:
            if (value := self._known(reject)) is not None:
                return value
            return self._refresh(reject)

    def invalidate(self, value: str) -> None:
        """Forget ``value`` locally; the shared entry is replaced by the next ``token(reject=value)``."""
        if self._local is not None and self._local.value == value:
            self._local = None

    def _usable(self, token: AccessToken | None, reject: str | None) -> bool:
        return token is not None and token.value != reject and self._clock() < token.refresh_at

    def _known(self, reject: str | None) -> str | None:
        if self._usable(self._local, reject):
            return self._local.value  # type: ignore[union-attr]
        return self._from_store(reject)

    def _from_store(self, reject: str | None) -> str | None:
        try:
            stored = AccessToken.from_store(self._store.get(self._key))
        except Exception as exc:  # a broken cache must degrade to fetching, not to failing
            logger.warning("token store read failed (%s); treating as empty", type(exc).__name__)
            stored = None
        if self._usable(stored, reject):
            self._local = stored
            return stored.value  # type: ignore[union-attr]
        return None

    def _refresh(self, reject: str | None) -> str:
        deadline = self._clock() + self._lock_timeout + 1
        owner = uuid.uuid4().hex
        while True:
            if self._try_lock(owner):
                try:
                    if (value := self._from_store(reject)) is not None:  # double-checked under the lock
                        return value
                    return self._fetch_and_store()
                finally:
                    self._unlock()
            self._sleep(self._poll * (1 + random.random()))  # noqa: S311 - jitter, not cryptography
            if (value := self._from_store(reject)) is not None:
                return value
            if self._clock() >= deadline:
                logger.warning("token lock not released within %ss; fetching without it", self._lock_timeout)
                return self._fetch_and_store()

    def _try_lock(self, owner: str) -> bool:
        try:
            return bool(self._store.add(self._lock_key, owner, self._lock_timeout))
        except Exception as exc:  # see _from_store
            logger.warning("token store lock failed (%s); fetching without it", type(exc).__name__)
            return True

    def _unlock(self) -> None:
        try:
            self._store.delete(self._lock_key)
        except Exception as exc:  # the lock expires by itself
            logger.warning("token store unlock failed (%s)", type(exc).__name__)

    def _fetch_and_store(self) -> str:
        token = self._fetch()
        self.fetch_count += 1
        self._local = token
        ttl = max(1, int(token.refresh_at - self._clock()))
        try:
            self._store.set(self._key, token.to_store(), ttl)
        except Exception as exc:  # still usable by this process
            logger.warning("token store write failed (%s)", type(exc).__name__)
        logger.info("fetched a new upstream access token (valid %.0f s)", token.expires_at - self._clock())
        return token.value
