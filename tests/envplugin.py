"""Loaded with ``-p tests.envplugin`` before pytest-django reads the settings: gives each test process its own
var/ folder, Celery queue and key prefixes, so runs (and xdist workers) never see each other's state."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_run = uuid.uuid4().hex[:8]
_var = ROOT / "var" / "test" / f"{_worker}-{_run}"

if "PORTAL_VAR_DIR" not in os.environ:
    # A folder per run: two runs in one tree (or xdist workers) never share a database, broker or storage.
    os.environ["PORTAL_VAR_DIR"] = str(_var)
os.environ.setdefault("PORTAL_CELERY_QUEUE", f"depot-test-{_worker}-{_run}")
os.environ.setdefault("PORTAL_CELERY_KEY_PREFIX", f"depot-test-{_run}:")
os.environ.setdefault("PORTAL_CACHE_PREFIX", f"depot-test-{_run}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


def pytest_unconfigure(config) -> None:
    if os.environ.get("PORTAL_VAR_DIR") == str(_var):
        shutil.rmtree(_var, ignore_errors=True)
