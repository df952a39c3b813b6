"""Start-up refuses a bad environment with one line that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


# Variables a test run sets for itself (browser tests allow async-unsafe ORM calls) that a deployment must not.
_NOT_INHERITED = ("PORTAL_", "DATABASE_URL", "CELERY_", "CACHE_", "DJANGO_ALLOW_ASYNC_UNSAFE")


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}


def run_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    child = clean_env()
    child.update({"PORTAL_VAR_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=child, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"PORTAL_UPSTREAM_QPS": "fast"}, "PORTAL_UPSTREAM_QPS"),
        ({"PORTAL_UPSTREAM_QPS": "-1"}, "PORTAL_UPSTREAM_QPS"),
        ({"DATABASE_URL": "mysql://db/depot"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "amqp://guest@localhost//"}, "CELERY_BROKER_URL"),
        ({"PORTAL_UPSTREAM_URL": "apix.cisco.com"}, "PORTAL_UPSTREAM_URL"),
        ({"PORTAL_ENV": "staging"}, "PORTAL_ENV"),
        ({"PORTAL_ENV": "production"}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_SECRET_KEY": "short"}, "PORTAL_SECRET_KEY"),
        ({"PORTAL_DEBUG": "maybe"}, "PORTAL_DEBUG"),
    ],
)
def test_bad_environment_value_stops_startup_naming_the_variable(tmp_path, env, variable):
    result = run_check(tmp_path, **env)
    assert result.returncode != 0
    lines = [line for line in result.stderr.strip().splitlines() if line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("depot: configuration error:")
    assert variable in lines[0]


def test_embedded_defaults_need_no_environment(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()


def test_production_settings_pass_the_deploy_check(tmp_path):
    child = clean_env()
    child.update(
        PORTAL_VAR_DIR=str(tmp_path),
        PORTAL_ENV="production",
        PORTAL_SECRET_KEY="k3y-For-Tests-only-8a7f6e5d4c3b2a190817263544536271",
        PORTAL_ALLOWED_HOSTS="depot.example.net",
        DATABASE_URL="postgres://depot:secret@127.0.0.1:5432/depot",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="redis://127.0.0.1:6379/1",
        PORTAL_STORAGE_DIR=str(tmp_path / "storage"),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=child,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_static_files_collect(tmp_path):
    """The production image runs collectstatic with hashed names: every file a stylesheet or script names exists."""
    child = clean_env()
    child.update(
        PORTAL_VAR_DIR=str(tmp_path),
        PORTAL_ENV="production",
        PORTAL_SECRET_KEY="k3y-For-Tests-only-8a7f6e5d4c3b2a190817263544536271",
        PORTAL_ALLOWED_HOSTS="depot.example.net",
        DATABASE_URL="postgres://depot:secret@127.0.0.1:5432/depot",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=child,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
