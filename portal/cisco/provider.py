"""Build the ASD client from Django settings: the only module of portal.cisco that imports Django.

``get_client()`` is cheap to call anywhere (views, tasks, commands): it returns one client per process,
with one pooled HTTP session, and builds a new one only when the settings it reads change (tests override
them) or after a fork (a worker child must not share its parent's sockets or SQLite connection).

Settings read (their defaults and checks are in settings.py, and only there): ``PORTAL_UPSTREAM_URL``,
``PORTAL_TOKEN_URL``, ``PORTAL_CLIENT_ID``, ``PORTAL_CLIENT_SECRET``, ``PORTAL_UPSTREAM_QPS``,
``PORTAL_UPSTREAM_QPS_MARGIN``, ``PORTAL_RATELIMIT_STORAGE_URL`` (``redis://...`` in production, a SQLite file
under ``var/`` on the embedded defaults), ``PORTAL_UPSTREAM_CONNECT_TIMEOUT``, ``PORTAL_UPSTREAM_READ_TIMEOUT``,
``PORTAL_ALLOWED_DOWNLOAD_HOSTS``, ``DEBUG`` (plain http to any allowed host only when on), the retry settings
``PORTAL_UPSTREAM_RETRY_*`` and ``PORTAL_UPSTREAM_RATE_LIMIT_RETRIES``, and ``PORTAL_TOKEN_CACHE_ALIAS``
["default"]: the Django cache that shares the token (Redis in production, the database cache with the embedded
defaults; its ``add`` is the cross-process lock).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches

from portal.cisco.client import AsdClient
from portal.cisco.exceptions import AsdError
from portal.cisco.ratelimit import SharedRateLimiter, storage_for
from portal.cisco.transport import RetryPolicy

__all__ = ["DjangoCacheStore", "client_config", "get_client", "observe_calls", "reset_client"]

logger = logging.getLogger(__name__)

# A person waits for interactive calls (page and API look-ups): seconds per attempt and 20 s in all, instead of
# the workers' minutes. Same upstream, token and shared rate limit.
INTERACTIVE_READ_TIMEOUT = 15.0
INTERACTIVE_TOTAL_TIMEOUT = 20.0

_lock = threading.Lock()
_current: dict[bool, tuple[tuple[int, str], AsdClient]] = {}


def client_config(*, interactive: bool = False) -> dict[str, Any]:
    """Every value the client is built from, read from settings (contains the secret: never log it)."""
    config = _settings_config()
    if interactive:
        retry: RetryPolicy = config["retry"]
        config["connect_timeout"] = min(config["connect_timeout"], 5.0)
        config["read_timeout"] = min(config["read_timeout"], INTERACTIVE_READ_TIMEOUT)
        config["retry"] = dataclasses.replace(
            retry,
            max_attempts=min(retry.max_attempts, 2),
            backoff_max=min(retry.backoff_max, 2.0),
            total_timeout=INTERACTIVE_TOTAL_TIMEOUT,
            retry_after_max=min(retry.retry_after_max, 5.0),
        )
    return config


def _settings_config() -> dict[str, Any]:
    # settings.py holds every default (and validates the values); this only reads them.
    hosts = settings.PORTAL_ALLOWED_DOWNLOAD_HOSTS
    return {
        "base_url": str(settings.PORTAL_UPSTREAM_URL).rstrip("/"),
        "token_url": str(settings.PORTAL_TOKEN_URL),
        "client_id": str(settings.PORTAL_CLIENT_ID),
        "client_secret": str(settings.PORTAL_CLIENT_SECRET),
        "qps": float(settings.PORTAL_UPSTREAM_QPS),
        "qps_margin": float(settings.PORTAL_UPSTREAM_QPS_MARGIN),
        "ratelimit_storage_url": str(settings.PORTAL_RATELIMIT_STORAGE_URL),
        "connect_timeout": float(settings.PORTAL_UPSTREAM_CONNECT_TIMEOUT),
        "read_timeout": float(settings.PORTAL_UPSTREAM_READ_TIMEOUT),
        "allowed_download_hosts": tuple(hosts.split(",") if isinstance(hosts, str) else hosts),
        "allow_http_downloads": bool(settings.DEBUG),
        "cache_alias": str(getattr(settings, "PORTAL_TOKEN_CACHE_ALIAS", "default")),
        "retry": RetryPolicy(
            max_attempts=int(settings.PORTAL_UPSTREAM_RETRY_MAX_ATTEMPTS),
            backoff_initial=float(settings.PORTAL_UPSTREAM_RETRY_BACKOFF),
            backoff_max=float(settings.PORTAL_UPSTREAM_RETRY_BACKOFF_MAX),
            total_timeout=float(settings.PORTAL_UPSTREAM_RETRY_TOTAL_TIMEOUT),
            max_rate_limit_retries=int(settings.PORTAL_UPSTREAM_RATE_LIMIT_RETRIES),
        ),
    }


class DjangoCacheStore:
    """The token store on a Django cache alias, looked up per call (Django keeps cache objects per thread)."""

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __repr__(self) -> str:
        return f"<DjangoCacheStore {self.alias!r}>"

    def get(self, key: str, default: Any = None) -> Any:
        """``cache.get``."""
        return caches[self.alias].get(key, default)

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        """``cache.set``."""
        caches[self.alias].set(key, value, timeout)

    def add(self, key: str, value: Any, timeout: float | None = None) -> bool:
        """``cache.add``: atomic in Redis (SET NX) and in the database cache (INSERT on the primary key)."""
        return caches[self.alias].add(key, value, timeout)

    def delete(self, key: str) -> Any:
        """``cache.delete``."""
        return caches[self.alias].delete(key)


def _fingerprint(config: dict[str, Any]) -> str:
    # Hashed so the secret is not kept in a second, readable place.
    return hashlib.sha256(repr(sorted(config.items())).encode()).hexdigest()


def _build(config: dict[str, Any]) -> AsdClient:
    limiter = SharedRateLimiter(
        storage_for(config["ratelimit_storage_url"]),
        qps=config["qps"],
        margin=config["qps_margin"],
        key=hashlib.sha256(f"{config['base_url']}\n{config['client_id']}".encode()).hexdigest()[:16],
    )
    return AsdClient(
        base_url=config["base_url"],
        token_url=config["token_url"],
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        token_store=DjangoCacheStore(config["cache_alias"]),
        rate_limiter=limiter,
        connect_timeout=config["connect_timeout"],
        read_timeout=config["read_timeout"],
        retry=config["retry"],
        allowed_download_hosts=config["allowed_download_hosts"],
        allow_http_downloads=config["allow_http_downloads"],
    )


# Told the outcome of every API call of every client built here: None when the upstream answered (an application
# error such as NO_DATA_FOUND included), else the AsdError raised. The portal records them for /healthz and a banner.
CallObserver = Callable[[AsdError | None], None]
_observers: list[CallObserver] = []


def observe_calls(observer: CallObserver) -> None:
    """Add ``observer`` (once) to be told the outcome of each API call; an observer that raises is logged."""
    if observer not in _observers:
        _observers.append(observer)


def _notify(error: AsdError | None) -> None:
    for observer in list(_observers):
        try:
            observer(error)
        except Exception:  # an observer must never change what the caller of the client sees
            logger.exception("upstream call observer %r failed", observer)


def _observed(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def observed_call(*args: Any, **kwargs: Any) -> Any:
        try:
            result = call(*args, **kwargs)
        except AsdError as exc:
            _notify(exc)
            raise
        _notify(None)
        return result

    return observed_call


def get_client(*, interactive: bool = False) -> AsdClient:
    """The process's ASD client, built from settings (rebuilt when they change or after a fork).

    ``interactive=True`` gives the variant for calls a person waits for: short timeouts, few retries.
    """
    config = client_config(interactive=interactive)
    key = (os.getpid(), _fingerprint(config))
    with _lock:
        current = _current.get(interactive)
        if current is not None and current[0] == key:
            return current[1]
        if current is not None and current[0][0] == key[0]:
            current[1].close()  # same process, new settings: the old pool is not needed any more
        client = _build(config)
        client.transport.call = _observed(client.transport.call)  # type: ignore[method-assign]
        _current[interactive] = (key, client)
        return client


def reset_client() -> None:
    """Forget the process's clients (tests; after changing credentials at run time)."""
    with _lock:
        for key, client in _current.values():
            if key[0] == os.getpid():
                client.close()
        _current.clear()
