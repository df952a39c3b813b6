"""Health checks for /healthz: the database, the Celery broker and storage, each answered in a few seconds."""

from __future__ import annotations

import os
import tempfile
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
            with tempfile.NamedTemporaryFile(dir=options["data_folder_in"], prefix=".healthz-"):
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


def run_checks() -> list[Check]:
    """Run every check; none raises."""
    return [check_database(), check_broker(), check_storage()]
