"""Health checks for /healthz, each answered in a few seconds: a small registry that apps add to.

Two kinds: *gates* (the database, the Celery broker, storage) without which Depot cannot work, so a load balancer
should stop sending it traffic (503); and the others (the upstream, the last catalog refresh), which make Depot
*degraded* but still useful (stored images and device links keep working), so they answer 200 and are named.
Core registers its own checks in CoreConfig.ready; an app registers its checks in its AppConfig.ready.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ok, and a short detail a person can act on."""

    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; the class name says which
        return Check("database", False, f"{type(exc).__name__}: cannot query the database")
    return Check("database", True, connection.vendor)


def check_broker() -> Check:
    url = settings.CELERY_BROKER_URL
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    try:
        if url.startswith("filesystem://"):
            # The filesystem transport never "connects": prove the folder takes a message file.
            with tempfile.NamedTemporaryFile(dir=str(options["data_folder_in"]), prefix=".healthz-"):
                pass
            return Check("broker", True, "filesystem")
        with Connection(url, transport_options=options, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            return Check("broker", True, conn.transport_cls)
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy; the class name says which
        return Check("broker", False, f"{type(exc).__name__}: cannot reach the Celery broker")


def check_storage() -> Check:
    root = Path(settings.PORTAL_STORAGE_DIR)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".healthz-") as handle:
            handle.write(b"ok")
            handle.flush()
        usage = os.statvfs(root)
    except OSError as exc:
        return Check("storage", False, f"{type(exc).__name__}: storage is not writable")
    free = usage.f_bavail * usage.f_frsize
    return Check("storage", True, f"{free // (1 << 20)} MiB free")


@dataclass(frozen=True)
class Registered:
    """A check function (returns a :class:`Check`) and whether its failure makes Depot unhealthy (a gate)."""

    run: Callable[[], Check]
    gate: bool


_registry: dict[str, Registered] = {}


def register(name: str, run: Callable[[], Check], *, gate: bool = False) -> None:
    """Add (or replace) the check called ``name``; ``gate=True`` only for what Depot cannot work without."""
    _registry[name] = Registered(run, gate)


def run_checks() -> list[tuple[Check, bool]]:
    """Run every registered check, as (check, gate) pairs; a check that raises is reported as failing."""
    results = []
    for name, registered in _registry.items():
        try:
            check = registered.run()
        except Exception as exc:  # noqa: BLE001 - a broken check reports itself failing; /healthz still answers
            check = Check(name, False, f"{type(exc).__name__}: the check itself failed")
        results.append((check, registered.gate))
    return results
