"""Depot's download path against the shell doing the same work, on loopback, for 1 GiB and 4 GiB images.

nginx (run as our own process, config in a temp dir) serves the image file; the simulator's last redirect
points there (``simExternalUrl``), so Depot walks the real path: token, metadata, download/pidimage, the
default URL with &access_token=, the 302 through the host allow-list, then the bytes. One Depot job is timed
from the request to "stored" (streamed, md5 and sha512 in two threads, written, fsynced, verified, renamed into
content-addressed storage) by a real Celery worker process, from the job row's own timestamps; then the shell
does the same work:

    curl -s URL | tee OUT >(md5sum >/dev/null) | sha512sum >/dev/null; wait $!

``--repeat N`` runs N such pairs per size, interleaved (Depot, shell, Depot, shell ...), because this kind of
machine drifts by up to 2x over minutes: compare within a pair, quote the median ratio. Each pair prints both
rates in MB/s (10^6 bytes per second), the ratio Depot / shell, the CPU-seconds each used (the worker's processes;
the shell's whole pipeline) and the load average; each size ends with ``median ratio X.XX``; the run ends with
the worker's peak RSS (VmHWM, the largest of its processes). Targets (issue 14): median ratio >= 1.6 at 1 GiB and
4 GiB (2.0 beyond), peak RSS < 100 MB. ``--results bench/results`` also writes the figures to a file there.

    .venv/bin/python bench/download.py [--sizes 1,4] [--repeat 3] [--results [DIR]] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.needs import require  # noqa: E402
from bench.record import write_results  # noqa: E402

GIB = 1 << 30
PID = "BENCH-DL-1"
TICK = os.sysconf("SC_CLK_TCK")
# The embedded filesystem broker polls every second by default; the bench times the transfer, not that poll
# (with Redis a message arrives at once), so its worker polls every 50 ms.
WORKER_MAIN = (
    "import sys; from portal.celery import app; "
    "app.conf.broker_transport_options = {**app.conf.broker_transport_options, 'polling_interval': 0.05}; "
    "app.worker_main(sys.argv[1:])"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_image(path: Path, guid: str, size: int) -> tuple[str, str]:
    """Write the simulator's deterministic bytes of (guid, size) to ``path``; return (md5, sha512)."""
    from downloads.transfer.hashing import ParallelDigest
    from portal.cisco.simulator.content import ImageBytes

    with path.open("wb") as handle, ParallelDigest() as digest:
        for part in ImageBytes(guid, size).iter_range():
            data = bytes(part)
            handle.write(data)
            digest.update(data)
        result = digest.finish()
    return result.md5, result.sha512


def start_nginx(work: Path, www: Path, port: int, nginx: str = "nginx") -> subprocess.Popen:
    conf = work / "nginx.conf"
    temp = work / "nginx-tmp"
    temp.mkdir(exist_ok=True)
    conf.write_text(f"""
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy; fastcgi_temp_path {temp}/fcgi;
  uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    root {www};
    location / {{ }}
  }}
}}
""")
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(work)], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("nginx did not start")


def catalog_for(images: list[dict]) -> dict:
    from tests.data.build_sample_catalog import release, stype

    return {
        "format": 1,
        "softwareTypeSets": {},
        "products": [
            {
                "pid": PID,
                "mdfId": "999300001",
                "mdfConceptName": "Bench device",
                "softwareTypes": [stype("999300100", "Bench", {"Linux": [release("1.0.0", images)]})],
            }
        ],
    }


def worker_pids(root_pid: int) -> list[int]:
    """The worker's main process and its children (the prefork pool)."""
    pids = [root_pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == root_pid:
                pids.append(int(entry.name))
    return pids


def peak_rss_mb(pid: int) -> float:
    """VmHWM of one process in MB (10^6 bytes); 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return 0.0


def rss_line(root_pid: int) -> str:
    """The worker's peak RSS (the largest of its processes), then the main process's and the pool's."""
    main, *pool = (peak_rss_mb(pid) for pid in worker_pids(root_pid))
    pool_peak = max(pool, default=0.0)
    return (
        f"worker peak RSS {max(main, pool_peak):.0f} MB (Celery's main process {main:.0f} MB, "
        f"the pool process that ran the jobs {pool_peak:.0f} MB)"
    )


def worker_cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of the worker's processes so far."""
    total = 0
    for pid in worker_pids(root_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / TICK


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class Timing:
    """One side of a pair: seconds from start to done, CPU-seconds used."""

    seconds: float
    cpu: float


def run_shell(url: str, out: Path) -> Timing:
    """The shell pipeline; ``wait $!`` waits for the md5sum in the process substitution too."""
    cpu, started = children_cpu_seconds(), time.monotonic()
    subprocess.run(
        ["bash", "-c", f"curl -s '{url}' | tee '{out}' >(md5sum >/dev/null) | sha512sum >/dev/null; wait $!"],
        check=True,
    )
    timing = Timing(time.monotonic() - started, children_cpu_seconds() - cpu)
    out.unlink()
    return timing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="image sizes in GiB, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="Depot/shell pairs per size, interleaved")
    parser.add_argument(
        "--results", type=Path, nargs="?", const=ROOT / "bench" / "results", help="also write the figures there"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    sizes = [int(float(s) * GIB) for s in args.sizes.split(",")]
    tools = require("bench/download.py", "nginx", "curl", "bash", "tee", "md5sum", "sha512sum")

    (ROOT / "var").mkdir(exist_ok=True)  # a fresh checkout has none until Depot first starts
    work = Path(tempfile.mkdtemp(prefix="depot-bench-dl-", dir=str(ROOT / "var")))
    www = work / "www"
    www.mkdir()
    work.chmod(0o755)  # nginx's worker runs as an unprivileged user
    www.chmod(0o755)
    nginx_port = free_port()
    images, expected = [], {}
    from tests.data.build_sample_catalog import image

    for size in sizes:
        name = f"bench-{size >> 20}m.bin"
        guid = uuid.uuid5(uuid.NAMESPACE_URL, name).hex.upper()[:40].ljust(40, "0")
        print(f"writing {name} ({size} bytes) ...", flush=True)
        md5, sha512 = write_image(www / name, guid, size)
        entry = image(name, 1, fixed_guid=guid, simExternalUrl=f"http://127.0.0.1:{nginx_port}/{name}")
        entry.update(size=str(size), md5=md5, sha512=sha512)
        images.append(entry)
        expected[name] = (size, sha512)
    (work / "catalog.json").write_text(json.dumps(catalog_for(images)))

    nginx = start_nginx(work, www, nginx_port, tools["nginx"])
    from tests.fixtures.simulator import Simulator, start_simulator

    sim_process = start_simulator(work / "catalog.json", "--qps", "1000")
    sim = Simulator(sim_process.url)
    sim.accept_forms()
    env = {
        "PORTAL_VAR_DIR": str(work / "var"),
        "PORTAL_STORAGE_DIR": str(work / "storage"),
        "PORTAL_UPSTREAM_URL": sim.url,
        "PORTAL_TOKEN_URL": sim.token_url,
        "PORTAL_CLIENT_ID": sim.client_id,
        "PORTAL_CLIENT_SECRET": sim.client_secret,
        "PORTAL_ALLOWED_DOWNLOAD_HOSTS": "127.0.0.1",
        "PORTAL_UPSTREAM_QPS": "100",
        "PORTAL_CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    log = (work / "worker.log").open("wb")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            WORKER_MAIN,
            "worker",
            "-l",
            "info",
            "-Q",
            env["PORTAL_CELERY_QUEUE"],
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--pool=prefork",
        ],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_ready(worker, work / "worker.log")
        lines = bench(sizes, args.repeat, expected, nginx_port, worker, work)
        if args.results:
            print(f"written to {write_results('download', lines, args.results)}")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, 15)
            worker.wait(timeout=30)
        nginx.terminate()
        nginx.wait(timeout=10)
        sim_process.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def wait_ready(worker: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while b"ready." not in log.read_bytes():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)


def bench(
    sizes: list[int], repeat: int, expected: dict, nginx_port: int, worker: subprocess.Popen, work: Path
) -> list[str]:
    """Run the pairs, print each line as it comes; return the lines."""
    lines: list[str] = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    say(
        f"{repeat} interleaved pairs per size (a Depot job, then the shell), SQLite + the embedded broker, "
        f"load average {os.getloadavg()[0]:.2f} (2 cores: other work on the machine shows here)"
    )
    for size in sizes:
        name = f"bench-{size >> 20}m.bin"
        ratios = []
        for run in range(1, repeat + 1):
            depot = run_depot(name, expected[name][1], worker)
            shell = run_shell(f"http://127.0.0.1:{nginx_port}/{name}", work / "shell.out")
            ratios.append(shell.seconds / depot.seconds)
            say(
                f"{name} pair {run}: Depot {size / depot.seconds / 1e6:6.1f} MB/s ({depot.seconds:5.2f} s, "
                f"{depot.cpu:5.2f} CPU-s)  shell {size / shell.seconds / 1e6:6.1f} MB/s ({shell.seconds:5.2f} s, "
                f"{shell.cpu:5.2f} CPU-s)  ratio {ratios[-1]:.2f}  load {os.getloadavg()[0]:.2f}"
            )
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        say(f"{name}: median ratio {statistics.median(ratios):.2f} ({len(ratios)} pairs, {spread})")
    say(rss_line(worker.pid))
    say(f"load average at the end {os.getloadavg()[0]:.2f}")
    return lines


def run_depot(name: str, sha512: str, worker: subprocess.Popen) -> Timing:
    """One job from the request to stored and verified, timed by its row (created_at to finished_at); then the
    job, the stored row and the file go, so the next pair downloads again."""
    from downloads import storage
    from downloads.choices import JobState
    from downloads.models import DownloadJob, StoredImage
    from downloads.services import download_job_request

    cpu = worker_cpu_seconds(worker.pid)
    job = download_job_request(pid=PID, image_name=name)
    while True:
        job.refresh_from_db()
        if job.is_terminal or job.state in (JobState.BLOCKED, JobState.AWAITING_COMPLIANCE):
            break
        if worker.poll() is not None:
            raise SystemExit("the worker died; see its log (--keep keeps it)")
        time.sleep(0.05)
    used = worker_cpu_seconds(worker.pid) - cpu
    if job.state != JobState.STORED or job.stored_image.sha512 != sha512:
        raise SystemExit(f"{name}: job ended {job.state}: {job.reason}")
    seconds = (job.finished_at - job.created_at) / datetime.timedelta(seconds=1)
    DownloadJob.objects.all().delete()
    StoredImage.objects.all().delete()
    storage.stored_path(sha512).unlink()
    return Timing(seconds, used)


if __name__ == "__main__":
    main()
