"""Processes sharing one token and one rate budget, as Depot's web and worker processes do.

Each worker is a real process running Django with the project's settings and ``provider.get_client()``;
the token is shared through Django's cache (the database cache on SQLite, or Redis), the budget through the
rate limiter's storage (SQLite file, or Redis).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from tests.fixtures.simulator import ROOT, SAMPLE_CATALOG

from .conftest import api_requests, token_requests


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


BACKENDS = [
    "sqlite",
    pytest.param("redis", marks=pytest.mark.skipif(not _redis_available(), reason="no Redis on 127.0.0.1:6379")),
]


def backend_env(backend: str, tmp_path: Path, sim, qps: float) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'depot.sqlite3'}",
        CACHE_URL="dbcache://portal_cache",
        PORTAL_CACHE_PREFIX=f"test-{uuid.uuid4().hex[:8]}",
        PORTAL_RATELIMIT_STORAGE_URL=f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}",
        PORTAL_UPSTREAM_URL=sim.url,
        PORTAL_TOKEN_URL=sim.token_url,
        PORTAL_CLIENT_ID=sim.client_id,
        PORTAL_CLIENT_SECRET=sim.client_secret,
        PORTAL_UPSTREAM_QPS=str(qps),
        PORTAL_UPSTREAM_RETRY_BACKOFF="0.05",
        PORTAL_UPSTREAM_RETRY_BACKOFF_MAX="0.5",
    )
    if backend == "redis":
        env["CACHE_URL"] = "redis://127.0.0.1:6379/15"
        env["PORTAL_RATELIMIT_STORAGE_URL"] = "redis://127.0.0.1:6379/15"
    return env


def run_workers(env: dict[str, str], mode: str, count: int, options: dict) -> list[dict]:
    command = [sys.executable, "-m", "tests.cisco.client.worker_main"]
    subprocess.run([*command, "init", json.dumps(options)], env=env, cwd=ROOT, check=True, timeout=60)  # noqa: S603
    options = {**options, "start_at": time.time() + 3}  # every process set up and waiting before the start
    processes = [
        subprocess.Popen([*command, mode, json.dumps(options)], env=env, cwd=ROOT, stdout=subprocess.PIPE)  # noqa: S603
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("processes", "threads"), [(1, 50), (5, 10)])
def test_fifty_callers_with_an_expired_token_cause_one_token_request(simulator, tmp_path, backend, processes, threads):
    env = backend_env(backend, tmp_path, simulator, qps=1000)
    results = run_workers(env, "token", processes, {"threads": threads, "expired_token": True})
    assert [r["errors"] for r in results] == [[]] * processes
    assert sum(r["ok"] for r in results) == 50
    assert len(token_requests(simulator)) == 1
    assert sum(r["token_fetches"] for r in results) == 1


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_four_processes_share_five_qps_without_a_refusal(simulator_factory, tmp_path, backend):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", "5")
    sim.reset()
    env = backend_env(backend, tmp_path, sim, qps=5)
    results = run_workers(env, "calls", 4, {"count": 6})
    assert [r["errors"] for r in results] == [[]] * 4
    statuses = [e["status"] for e in api_requests(sim, "/metadata/images")]
    assert statuses.count(200) == 24
    assert statuses.count(403) == 0  # no "Account Over Queries Per Second Limit"
