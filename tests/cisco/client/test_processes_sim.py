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
import uuid
from pathlib import Path

import pytest
import redis

from tests.fixtures.needs import missing
from tests.fixtures.simulator import ROOT, SAMPLE_CATALOG
from tests.waiting import wait_for

from .conftest import api_requests, token_requests


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


BACKENDS = ["sqlite", "redis"]


def backend_env(backend: str, tmp_path: Path, sim, qps: float) -> dict[str, str]:
    if backend == "redis" and not _redis_available():
        missing("PORTAL_REQUIRE_REDIS", "no Redis on 127.0.0.1:6379")
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


def run_workers(env: dict[str, str], mode: str, count: int, options: dict, drive=None) -> list[dict]:
    """Start ``count`` worker processes, release them together once all are set up (a start barrier), let
    ``drive(processes)`` run while they work (if given), and return their results."""
    command = [sys.executable, "-m", "tests.cisco.client.worker_main"]
    subprocess.run([*command, "init", json.dumps(options)], env=env, cwd=ROOT, check=True, timeout=60)  # noqa: S603
    processes = [
        subprocess.Popen(  # noqa: S603 - our own command line
            [*command, mode, json.dumps(options)],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    if drive is not None:
        drive(processes)
    results = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


class LockstepClock:
    """The processes' rate-limit clock (a number in a file) and the simulator's per-second clock (frozen), moved
    together in 50 ms steps, each once every running process waits for a slot: which call gets which slot is
    then the same on a busy machine as on an idle one."""

    STEP = 0.05

    def __init__(self, sim, directory: Path) -> None:
        self.sim, self.directory, self.now = sim, directory, 1_700_000_000.0
        directory.mkdir()
        self._write()
        sim.rate_limits(freeze=True)

    def _write(self) -> None:
        temp = self.directory / "now.tmp"
        temp.write_text(repr(self.now))
        os.replace(temp, self.directory / "now")  # readers never see half a number

    def _all_waiting(self, processes) -> bool:
        for process in processes:
            waiting = self.directory / f"waiting-{process.pid}"
            if process.poll() is None and not (waiting.exists() and float(waiting.read_text()) == self.now):
                return False
        return True

    def drive(self, processes) -> None:
        while any(process.poll() is None for process in processes):
            wait_for(lambda: self._all_waiting(processes), "every running process to wait for a slot", timeout=120)
            if any(process.poll() is None for process in processes):
                self.sim.rate_limits(advance=self.STEP)  # the simulator first: a woken call finds it moved
                self.now += self.STEP
                self._write()


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
    clock = LockstepClock(sim, tmp_path / "clock")
    results = run_workers(env, "calls", 4, {"count": 6, "clock_dir": str(clock.directory)}, drive=clock.drive)
    assert [r["errors"] for r in results] == [[]] * 4
    statuses = [e["status"] for e in api_requests(sim, "/metadata/images")]
    assert statuses == [200] * 24  # no "Account Over Queries Per Second Limit"
    # The budget was used, not wasted: 24 calls at 5 per window take four more windows after the first. Each
    # answer comes on its grant's tick, so a window is 1 s from the answers, and the next 50 ms step grants.
    assert clock.now - 1_700_000_000.0 == pytest.approx(4 * 1.05)
    sim.reset()
