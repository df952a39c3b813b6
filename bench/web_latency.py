"""Latency of the engineer's pages and API endpoints on a 100,000-device / 50,000-image fleet, under load.

Seeds (or reuses) a database with ``seed_fleet``: SQLite under var/bench/web/ by default, or with ``--postgres
URL`` a database ``depot_bench`` on that server (created if needed; the URL names any database the user can
connect to, e.g. postgres://postgres@127.0.0.1:5432/postgres). Runs gunicorn (one sync worker per core: on 2 cores
a third worker beside PostgreSQL and wrk measured no more throughput, with p95 1.6-2x p50 instead of 1.3-1.5x;
``--threads N`` runs gthread workers, as ``depot.py start`` does with 2 x 4: wrk's keep-alive connections stay on
the worker that accepted them, and a worker's threads share one core, so that measured half the throughput here),
with the production settings
(PORTAL_ENV=production, DEBUG off, manifest static files, secure cookies; Redis for cache and broker when
redis-server is installed), and drives each URL with wrk (a Lua ``done`` hook prints p50/p95/p99) or, without
wrk, a Python thread pool (figures not comparable: it says so). Prints a header line naming the database, then
one line per URL: p50, p95, p99 in ms, requests/s, non-2xx answers. Target (issue 14): p95 < 50 ms everywhere at
100,000 devices / 50,000 images on PostgreSQL. ``--results bench/results`` also writes the figures there.
No asserts.

    .venv/bin/python bench/web_latency.py [--devices 100000] [--images 50000] [--connections 4] [--duration 10]
                                          [--workers CORES] [--threads 1] [--only TEXT] [--reseed] [--postgres URL]
                                          [--results [DIR]]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.needs import INSTALL, find  # noqa: E402
from bench.record import write_results  # noqa: E402

VAR = ROOT / "var" / "bench" / "web"
PYTHON = sys.executable
BENCH_DATABASE = "depot_bench"
# The database the bench uses: SQLite under VAR unless main() points it at PostgreSQL (--postgres).
DATABASE_URL = f"sqlite:///{VAR / 'depot.sqlite3'}"
LUA = """
done = function(summary, latency, requests)
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.requests, bad))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PORTAL_VAR_DIR": str(VAR), "DATABASE_URL": DATABASE_URL})
    env.update(extra or {})
    return env


def manage(*args: str, env: dict[str, str] | None = None, capture: bool = False) -> str:
    result = subprocess.run(  # noqa: S603 - our own command line
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env or base_env(), check=True, text=True,
        capture_output=capture,
    )  # fmt: skip
    return result.stdout if capture else ""


def django_eval(code: str, env: dict[str, str] | None = None) -> str:
    """Run Python with Django set up (the bench's environment) and return what it prints."""
    script = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'portal.settings'); django.setup()\n"
    result = subprocess.run(  # noqa: S603 - our own command line
        [PYTHON, "-c", script + code], cwd=ROOT, env=env or base_env(), check=True, text=True, capture_output=True
    )
    return result.stdout.strip()


def ensure_fleet(devices: int, images: int, reseed: bool) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    manage("migrate", "-v0")
    manage("createcachetable")
    count = int(django_eval("from portal.inventory.models import Device; print(Device.objects.count())"))
    if count == devices and not reseed:
        print(f"reusing {database_name()} ({count} devices)")
        settle()
        return
    if reseed or count:
        django_eval(
            "from portal.catalog.models import Product; from portal.inventory.services.devices import devices_delete\n"
            "devices_delete(); Product.objects.all().delete()"
        )
    started = time.monotonic()
    manage("seed_fleet", "--devices", str(devices), "--images", str(images), capture=True)
    print(f"seeded {devices} devices and ~{images} images in {time.monotonic() - started:.1f} s")
    settle()


def settle() -> None:
    """Statistics for the planner; on PostgreSQL also VACUUM, which a live database's autovacuum will have done
    after a bulk load: it marks pages all-visible, so index-only scans need not visit the table."""
    django_eval(
        "from django.db import connection\n"
        "from portal.inventory.services.devices import table_statistics_refresh\n"
        "table_statistics_refresh()\n"
        "if connection.vendor == 'postgresql':\n"
        "    with connection.cursor() as cursor:\n"
        "        for table in ('inventory_device', 'inventory_device_tags', 'catalog_recommendation',\n"
        "                      'catalog_release', 'catalog_image'):\n"
        "            cursor.execute(f'VACUUM {table}')"
    )


def database_name() -> str:
    """What the header line says about the database."""
    if DATABASE_URL.startswith("sqlite"):
        return f"SQLite ({VAR / 'depot.sqlite3'})"
    parts = urlsplit(DATABASE_URL)
    return f"PostgreSQL (database {BENCH_DATABASE} on {parts.hostname}:{parts.port or 5432})"


def postgres_bench_url(url: str) -> str:
    """The bench database's URL on the server of ``url``, creating the database if it is missing."""
    import psycopg

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--postgres wants postgres://user@host:port/database, not {url!r}")
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    except psycopg.Error as exc:
        raise SystemExit(f"cannot use PostgreSQL at {parts.hostname}:{parts.port or 5432}: {exc}".strip()) from None
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def credentials(env: dict[str, str]) -> dict[str, str]:
    """A bench engineer: a session cookie for pages and a token for the API, plus ids to put in URLs."""
    code = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from portal.accounts.roles import ENGINEERS
from portal.accounts.services import api_token_create
from portal.catalog.models import Product
from portal.inventory.models import Device
user, _ = get_user_model().objects.get_or_create(username="bench-engineer")
user.groups.add(Group.objects.get(name=ENGINEERS))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
busy = Product.objects.annotate(n=Count("releases__images")).order_by("-n").first()
device = Device.objects.filter(pid=busy.pid).order_by("id").first()
print(json.dumps({"session": session.session_key, "token": api_token_create(user=user), "pid": busy.pid,
                  "device": device.pk, "site": device.site}))
"""
    return json.loads(django_eval(code, env).splitlines()[-1])


def start_redis() -> tuple[subprocess.Popen | None, str]:
    if not find("redis-server"):
        print(f"redis-server not found ({INSTALL['redis-server']}): cache and broker fall back to the database")
        return None, ""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}"


# The vendored Chart.js ends with "//# sourceMappingURL=chart.umd.min.js.map", a file that is not shipped, so the
# production manifest storage refuses collectstatic. Until that is fixed in the tree, the bench runs the production
# settings with one change: a manifest storage that does not rewrite JS source-map comments.
BENCH_SETTINGS = """
from portal.settings import *  # noqa: F403
from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestWithoutSourceMaps(CompressedManifestStaticFilesStorage):
    patterns = tuple(p for p in CompressedManifestStaticFilesStorage.patterns if p[0] != "*.js")


STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "depot_bench_settings.ManifestWithoutSourceMaps"}}  # noqa: F405
"""


def secret_key() -> str:
    """One key for the bench database (sessions made by the bench must verify in gunicorn)."""
    path = VAR / "production_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
    return path.read_text().strip()


def production_env(redis_url: str) -> dict[str, str]:
    (VAR / "depot_bench_settings.py").write_text(BENCH_SETTINGS)
    extra = {
        "DJANGO_SETTINGS_MODULE": "depot_bench_settings",
        "PYTHONPATH": os.pathsep.join([str(VAR), str(ROOT)]),
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": secret_key(),
        "PORTAL_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PORTAL_SSL_REDIRECT": "false",  # plain http on loopback; TLS ends at the proxy in production
        "PORTAL_DEBUG": "false",
        "PORTAL_LOG_LEVEL": "WARNING",
        # One bench user sends every API request: lift the per-user throttle so it measures Depot, not 429s.
        "PORTAL_API_USER_RATE": "1000000/minute",
        "CELERY_BROKER_URL": f"{redis_url}/0" if redis_url else "filesystem://",
    }
    if redis_url:
        extra["CACHE_URL"] = f"{redis_url}/1"
    return base_env(extra)


def worker_text(workers: int, threads: int) -> str:
    return f"{workers} {'sync workers' if threads == 1 else f'workers x {threads} threads'}"


def start_gunicorn(env: dict[str, str], workers: int, threads: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    log = open(VAR / "gunicorn.log", "ab")  # noqa: SIM115 - closed with the process
    worker_class = ["--worker-class", "sync"]
    if threads > 1:
        worker_class = ["--worker-class", "gthread", "--threads", str(threads)]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
         str(workers), *worker_class, "--keep-alive", "5"],
        cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"gunicorn did not start; see {VAR / 'gunicorn.log'}")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def check(url: str, header: str) -> None:
    """Refuse to measure a URL that does not answer 200 (a redirect to the login page is fast and meaningless)."""
    name, value = header.split(": ", 1)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers={name: value}), timeout=30) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200: check the bench session/token")


def run_wrk(url: str, header: str, connections: int, duration: int) -> tuple[float, float, float, float, int]:
    wrk = find("wrk") or "wrk"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    threads = min(2, connections)
    subprocess.run(  # noqa: S603 - warm-up of every worker: caches, connections, prepared statements
        [wrk, "-t1", f"-c{connections}", "-d2s", "-H", header, url], capture_output=True, check=False
    )
    out = subprocess.run(  # noqa: S603 - our own command line
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-H", header, "-s",
         script.name, url],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    os.unlink(script.name)
    found = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not found:
        raise SystemExit(f"wrk output not understood:\n{out}")
    p50, p95, p99, requests, bad = (int(x) for x in found.groups())
    return p50 / 1000, p95 / 1000, p99 / 1000, requests / duration, bad


def run_python(url: str, header: str, connections: int, duration: int) -> tuple[float, float, float, float, int]:
    name, value = header.split(": ", 1)
    latencies: list[float] = []
    bad = 0
    lock = threading.Lock()
    end = time.monotonic() + duration

    def loop() -> None:
        nonlocal bad
        while time.monotonic() < end:
            request = urllib.request.Request(url, headers={name: value})  # noqa: S310 - loopback
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
                    response.read()
                    ok = 200 <= response.status < 300
            except OSError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                bad += not ok

    with ThreadPoolExecutor(connections) as pool:
        for _ in range(connections):
            pool.submit(loop)
    cuts = statistics.quantiles(latencies, n=100)
    return cuts[49], cuts[94], cuts[98], len(latencies) / duration, bad


def targets(ids: dict[str, str]) -> list[tuple[str, str]]:
    pid, device = ids["pid"], ids["device"]
    return [
        ("page", "/devices/"),
        ("page", "/devices/?status=upgrade_available"),
        ("page", "/devices/?ordering=-current_release&page=500"),
        ("page", f"/devices/?site={ids['site']}&role=access"),
        ("page", "/devices/?q=core-0001"),
        ("page", f"/devices/{device}/"),
        ("page", f"/catalog/products/{pid}/"),
        ("page", "/catalog/"),
        ("page", "/dashboard/"),
        ("api", "/api/v1/devices/"),
        ("api", "/api/v1/devices/?status=psirt&ordering=site"),
        ("api", f"/api/v1/devices/{device}/"),
        ("api", f"/api/v1/devices/{device}/releases/"),
        ("api", f"/api/v1/catalog/products/{pid}/releases/"),
        ("api", "/api/v1/catalog/recommendations/?status=upgrade_available"),
        ("api", "/api/v1/catalog/report/"),
    ]


def main() -> None:
    global DATABASE_URL  # one run, one database, read by every helper above
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=50_000)
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (closed loop)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (default: cores)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread); 1: sync workers")
    parser.add_argument("--only", metavar="TEXT", help="measure only the URLs that contain TEXT")
    parser.add_argument("--reseed", action="store_true", help="seed again even if the database has the fleet")
    parser.add_argument("--postgres", metavar="URL", help=f"run on PostgreSQL: a database {BENCH_DATABASE} there")
    parser.add_argument(
        "--results", type=Path, nargs="?", const=ROOT / "bench" / "results", help="also write the figures there"
    )
    args = parser.parse_args()
    drive = run_wrk if find("wrk") else run_python
    if drive is run_python:
        print(f"wrk not found ({INSTALL['wrk']}): measuring with Python threads, figures not comparable with wrk's")
    if args.postgres:
        DATABASE_URL = postgres_bench_url(args.postgres)

    ensure_fleet(args.devices, args.images, args.reseed)
    redis, redis_url = start_redis()
    server = None
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    try:
        env = production_env(redis_url)
        manage("collectstatic", "--noinput", "-v0", env=env)
        ids = credentials(env)
        server, base = start_gunicorn(env, args.workers, args.threads)
        say(
            f"{args.devices} devices, ~{args.images} images on {database_name()}; gunicorn "
            f"{worker_text(args.workers, args.threads)}, PORTAL_ENV=production, cache {'Redis' if redis else 'DB'}; "
            f"{'wrk' if drive is run_wrk else 'python'} with {args.connections} connections for {args.duration} s "
            f"per URL; load average {os.getloadavg()[0]:.2f}"
        )
        say(f"{'kind':5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'non-2xx':>8}  url")
        for kind, path in targets(ids):
            if args.only and args.only not in path:
                continue
            header = f"Cookie: sessionid={ids['session']}" if kind == "page" else f"Authorization: Token {ids['token']}"
            check(base + path, header)
            p50, p95, p99, rate, bad = drive(base + path, header, args.connections, args.duration)
            say(f"{kind:5} {p50:8.1f} {p95:8.1f} {p99:8.1f} {rate:8.1f} {bad:8d}  {path}")
        say(f"load average at the end {os.getloadavg()[0]:.2f} (2 cores; other work on the machine shows here)")
    finally:
        stop(server)
        stop(redis)
    if args.results:
        print(f"written to {write_results('web_latency', lines, args.results)}")


if __name__ == "__main__":
    main()
