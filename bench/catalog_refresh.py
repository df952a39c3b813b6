"""A catalog refresh of 10,000 devices over 300 distinct (PID, release) pairs against the simulator at 5 QPS.

Generates a catalog (catalog_build.generate, small images), starts the simulator with ``--qps 5``, writes the
devices into a fresh database under var/bench/refresh/, queues ``catalog_refresh_start`` - the same fan-out the
page, the API and the nightly beat entry use (new devices may already have queued it: their pairs join one
refresh) - then starts real Celery workers (Redis broker when redis-server is installed, else the embedded one)
and waits for them to say they are ready. Prints the pairs and PIDs, upstream calls (from the simulator's request
log and from the refresh row), rate-limit refusals, the refresh's wall time (from its dispatch to its last pair,
as the rows record them) and the ideal wall time (calls / QPS). No asserts.

    .venv/bin/python bench/catalog_refresh.py [--devices 10000] [--pairs 300] [--qps 5] [--workers 4]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench" / "refresh"
sys.path.insert(0, str(ROOT))

try:
    import celery  # noqa: F401 - the workers need it
    import django  # noqa: F401
    import requests  # noqa: F401

    from portal.cisco.simulator import catalog_build
    from tests.fixtures.simulator import Simulator, start_simulator
except ImportError as missing:  # one line, not a traceback: the bench runs in Depot's virtualenv
    sys.exit(
        f"bench/catalog_refresh.py needs Depot's requirements ({missing.name} is missing): run it with "
        "`.venv/bin/python` after `python3 depot.py test` (or `.venv/bin/pip install -r requirements-dev.txt`)"
    )

PIDRELEASE = "/software/v4.0/metadata/pidrelease"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_catalog(pairs: int, seed: int) -> tuple[Path, list[tuple[str, str, str]]]:
    """A generated catalog with enough PIDs for ``pairs`` (3 current releases per PID), and the pairs chosen:
    (pid, release, an image of that release)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible bench data
    catalog = catalog_build.generate((pairs + 2) // 3, seed=seed, image_size=4096)
    catalog_build.fill_digests(catalog, previous=None)
    path = VAR / "catalog.json"
    catalog_build.write(catalog, path)
    chosen: list[tuple[str, str, str]] = []
    for product in catalog["products"]:
        types = product.get("softwareTypes") or catalog["softwareTypeSets"][product["softwareTypeSet"]]
        releases = [r for t in types for o in t["operatingSystems"] for r in o["releases"]]
        for release in rng.sample(releases, min(3, len(releases))):
            chosen.append((product["pid"], release["version"], release["images"][0]["name"]))
    return path, chosen[:pairs]


def wait_until(ready, what: str, timeout: float = 60) -> None:
    """Poll ``ready()`` every 50 ms until it is true; exit with one line after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            sys.exit(f"bench/catalog_refresh.py: {what} not ready after {timeout:.0f} s")
        time.sleep(0.05)


def answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis() -> tuple[subprocess.Popen | None, str]:
    if not shutil.which("redis-server"):
        print("redis-server not found: the embedded broker is used (install redis-server for the production one)")
        return None, ""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    wait_until(lambda: answers(port), "redis-server")
    return process, f"redis://127.0.0.1:{port}"


def environment(sim: Simulator, qps: float, redis_url: str, margin: float | None) -> dict[str, str]:
    env = {
        "PORTAL_VAR_DIR": str(VAR),
        "DATABASE_URL": f"sqlite:///{VAR / 'depot.sqlite3'}",
        "PORTAL_UPSTREAM_URL": sim.url,
        "PORTAL_TOKEN_URL": sim.token_url,
        "PORTAL_CLIENT_ID": sim.client_id,
        "PORTAL_CLIENT_SECRET": sim.client_secret,
        "PORTAL_UPSTREAM_QPS": str(qps),
        "PORTAL_CELERY_QUEUE": "depot-bench-refresh",
        "PORTAL_LOG_LEVEL": "WARNING",
    }
    if redis_url:
        env.update({"CELERY_BROKER_URL": f"{redis_url}/0", "CACHE_URL": f"{redis_url}/1"})
    if margin is not None:
        env["PORTAL_UPSTREAM_QPS_MARGIN"] = str(margin)
    return env


def prepare_database(env: dict[str, str]) -> None:
    if VAR.joinpath("depot.sqlite3").exists():
        for name in ("depot.sqlite3", "depot.sqlite3-wal", "depot.sqlite3-shm", "ratelimit.sqlite3"):
            VAR.joinpath(name).unlink(missing_ok=True)
    shutil.rmtree(VAR / "broker", ignore_errors=True)
    full = {**os.environ, **env}
    for args in (["migrate", "-v0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full, check=True)  # noqa: S603


def write_devices(devices: int, pairs: list[tuple[str, str, str]], seed: int) -> None:
    from portal.inventory.services.devices import devices_upsert
    from portal.inventory.services.fields import validate_device

    rng = random.Random(seed)  # noqa: S311 - reproducible bench data
    entries = []
    for n in range(devices):
        pid, release, image = pairs[n % len(pairs)] if n < len(pairs) else rng.choice(pairs)
        entry, problems = validate_device(
            {"hostname": f"bench-{n:06d}", "pid": pid, "current_release": release, "running_image": image}
        )
        assert entry is not None, problems
        entries.append(entry)
    devices_upsert(entries=entries)


def start_workers(env: dict[str, str], count: int) -> subprocess.Popen:
    """Start the workers and return once their log says "ready" (they connected and forked their pool)."""
    log_path = VAR / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-l", "info", "-Q",
               env["PORTAL_CELERY_QUEUE"], f"--concurrency={count}", "--without-gossip", "--without-mingle",
               "--pool=prefork"]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 - our own command line
        command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )

    def ready() -> bool:
        if process.poll() is not None:
            sys.exit(f"bench/catalog_refresh.py: the Celery worker exited; see {log_path}")
        return b"ready." in log_path.read_bytes()

    wait_until(ready, "the Celery worker")
    return process


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def report(args: argparse.Namespace, refresh, sim: Simulator, redis: bool) -> list[str]:
    """The figures (from the simulator's log and the refresh's rows), one line each."""
    log = [entry for entry in sim.log() if entry["path"] == PIDRELEASE]
    refused = [e for e in sim.log() if e["status"] in (403, 429)]
    pairs = refresh.pairs.all()
    own = sum(1 for p in pairs if p.answered_by_id is None and p.calls)
    shared = sum(1 for p in pairs if p.answered_by_id is not None)
    no_data = sum(1 for p in pairs if p.state == "no_data")
    wall = (refresh.finished_at - refresh.started_at).total_seconds()
    ideal = len(log) / args.qps
    times = sorted(entry["time"] for entry in log)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    margin = "Depot's default (0.1 s)" if args.margin is None else f"{args.margin} s"
    return [
        f"devices {args.devices}, simulator --qps {args.qps}, PORTAL_UPSTREAM_QPS {args.qps}, margin {margin}",
        f"workers: {args.workers} Celery processes, broker {'Redis' if redis else 'embedded (filesystem)'}",
        f"distinct (PID, release) pairs {refresh.pairs_total}",
        f"distinct PIDs {len({p.pid for p in pairs})}",
        f"refresh #{refresh.pk}: {refresh.state}, pairs done {refresh.pairs_done}, failed {refresh.pairs_failed}, "
        f"nothing above the current release {no_data}",
        f"pairs answered by a shared query {shared}; pairs that asked {own} (each PID's lowest, and pairs the shared "
        "answer did not list)",
        f"upstream calls (simulator log): {len(log)} = {own} first pages + {len(log) - own} extra pages (and retries)",
        f"upstream calls (refresh row):   {refresh.calls}",
        f"rate-limit refusals (403/429):  {len(refused)}",
        f"wall time:  {wall:.1f} s (dispatch to last pair); first to last upstream call {span:.1f} s",
        f"ideal wall: {ideal:.1f} s (calls / QPS); wall is {wall / ideal:.3f}x ideal",
    ]


def write_results(directory: Path, lines: list[str]) -> Path:
    """Keep a run's figures with when, what code and which machine: <directory>/catalog_refresh-<UTC time>.txt."""
    now = datetime.datetime.now(datetime.UTC)
    commit = subprocess.run(  # noqa: S603 - our own command line
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    machine = f"{platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}, load average {os.getloadavg()[0]:.2f}"
    header = [f"bench/catalog_refresh.py {now:%Y-%m-%d %H:%M} UTC", f"commit {commit or 'unknown'}", machine, ""]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"catalog_refresh-{now:%Y%m%d-%H%M}.txt"
    path.write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--qps", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4, help="Celery worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--results", type=Path, help="also write the figures to a file in this folder (bench/results)")
    parser.add_argument(
        "--margin", type=float, default=None, help="PORTAL_UPSTREAM_QPS_MARGIN in seconds (Depot's default: 0.1)"
    )
    args = parser.parse_args()

    VAR.mkdir(parents=True, exist_ok=True)
    catalog, pairs = build_catalog(args.pairs, args.seed)
    server = start_simulator(catalog, "--qps", str(args.qps))
    redis, redis_url = start_redis()
    workers = None
    try:
        sim = Simulator(server.url)
        env = environment(sim, args.qps, redis_url, args.margin)
        prepare_database(env)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        django.setup()
        from portal.catalog.models import CatalogRefresh
        from portal.catalog.services.refresh import catalog_refresh_start

        write_devices(args.devices, pairs, args.seed)
        sim.reset()  # the log holds the refresh's calls only
        refresh, _ = catalog_refresh_start()
        workers = start_workers(env, args.workers)
        while not refresh.finished:
            time.sleep(0.1)
            refresh = CatalogRefresh.objects.get(pk=refresh.pk)
        lines = report(args, refresh, sim, bool(redis))
        print("\n".join(lines))
        if args.results:
            print(f"written to {write_results(args.results, lines)}")
    finally:
        stop(workers)
        stop(redis)
        server.stop()


if __name__ == "__main__":
    main()
