"""First run and plain Django habits: `depot.py start` on other ports, `manage.py migrate` alone, and a bad setting
stopping every entry point with the same one line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.fixtures.worker import ROOT
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

BAD = {"PORTAL_UPSTREAM_QPS": "fast"}
LINE = "depot: configuration error: PORTAL_UPSTREAM_QPS must be a positive number of requests per second (got 'fast')"
BIN = Path(sys.executable).parent


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A process environment on the embedded defaults in a fresh var/ folder (no test database, no test cache)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_URL", "CELERY_", "CACHE_"))}
    return {**env, "PORTAL_VAR_DIR": str(tmp_path / "var"), **extra}


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "manage.py", "check"],
        [str(BIN / "gunicorn"), "portal.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"],
        [str(BIN / "celery"), "-A", "portal", "worker", "-l", "info"],
        [str(BIN / "celery"), "-A", "portal", "beat", "-l", "info"],
    ],
    ids=["manage.py", "gunicorn", "celery-worker", "celery-beat"],
)
def test_a_bad_setting_stops_every_entry_point_with_one_line(tmp_path, command):
    result = subprocess.run(  # noqa: S603 - our own command lines
        command, cwd=ROOT, env=_env(tmp_path, **BAD), capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode != 0
    assert LINE in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_migrate_alone_gives_a_working_site(tmp_path):
    env = _env(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)  # noqa: S603
    # The schema and the token store use the database cache, which used to need `createcachetable` first.
    code = (
        "from django.test import Client; from django.contrib.auth import get_user_model;"
        "from portal.accounts.services import api_token_create;"
        "u = get_user_model().objects.create_user('first', password='x');"
        "key = api_token_create(user=u); c = Client(); c.force_login(u);"
        "print(c.get('/api/schema/').status_code, c.get('/').status_code,"
        " c.get('/api/v1/me/', HTTP_AUTHORIZATION='Token ' + key).status_code)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["200", "200", "200"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_depot_start_on_other_ports_aims_everything_at_its_own_simulator(tmp_path):
    web, sim = _free_port(), _free_port()
    env = _env(tmp_path, DEPOT_WEB_PORT=str(web), DEPOT_SIMULATOR_PORT=str(sim), DEPOT_VENV=str(Path(sys.prefix)))
    log = tmp_path / "start.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "depot.py", "start"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(lambda: "Depot runs at" in log.read_text(), "depot.py start to report it runs", timeout=300)
        text = log.read_text()
        assert f"log in at http://127.0.0.1:{web}/" in text
        assert f"Depot runs at http://127.0.0.1:{web}/ with the ASD simulator at http://127.0.0.1:{sim}/" in text

        def health() -> dict | None:
            try:
                return requests.get(f"http://127.0.0.1:{web}/healthz", timeout=5).json()
            except (requests.RequestException, ValueError):
                return None

        body = wait_for(health, "the web server to answer /healthz", timeout=120)
        assert f"127.0.0.1:{sim}/oauth2" in body["checks"]["upstream_token"]["detail"]
        assert body["checks"]["upstream_token"]["ok"] is True
        # The worker ran the first catalog refresh (queued by the demo fleet) against that simulator: done, no
        # failed pair (it used to fail 16/16 at the default port).
        refresh = wait_for(
            lambda: (b := health()) and b["checks"]["catalog_refresh"]["detail"] != "no refresh has finished yet" and b,
            "the first catalog refresh to finish",
            timeout=300,
        )
        assert refresh["checks"]["catalog_refresh"]["ok"] is True, json.dumps(refresh["checks"])
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
