"""Depot's download path against the shell doing the same work, on loopback, for 1 GiB and 4 GiB images.

nginx (run as our own process, config in a temp dir) serves the image file; the simulator's last redirect
points there (``simExternalUrl``), so Depot walks the real path: token, metadata, download/pidimage, the
default URL with &access_token=, the 302 through the host allow-list, then the bytes. One Depot job is timed
from the request to "stored" (streamed, md5 and sha512 in two threads, fsync, verified, renamed into
content-addressed storage) by a real Celery worker process; then the shell does the same work:

    curl -s URL | tee OUT >(md5sum >/dev/null) | sha512sum

It prints both rates in MB/s (10^6 bytes per second), their ratio (Depot / shell) and the worker's peak RSS
(VmHWM, the largest of the worker's processes). Targets (issue 6): ratio >= 1.0, peak RSS < 200 MB.

    .venv/bin/python bench/download.py [--sizes 1,4] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GIB = 1 << 30
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PID = "BENCH-DL-1"
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


def start_nginx(work: Path, www: Path, port: int) -> subprocess.Popen:
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
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work)], stderr=subprocess.DEVNULL)
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


def peak_rss_mb(root_pid: int) -> float:
    """The largest VmHWM among the worker's main process and its children, in MB (10^6 bytes)."""
    pids = [root_pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == root_pid:
                pids.append(int(entry.name))
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) * 1024)
        except OSError:
            continue
    return peak / 1e6


def run_shell(url: str, out: Path) -> float:
    started = time.monotonic()
    subprocess.run(
        ["bash", "-c", f"curl -s '{url}' | tee '{out}' >(md5sum >/dev/null) | sha512sum >/dev/null"], check=True
    )
    elapsed = time.monotonic() - started
    out.unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4", help="image sizes in GiB, comma-separated")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    sizes = [int(float(s) * GIB) for s in args.sizes.split(",")]

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

    nginx = start_nginx(work, www, nginx_port)
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
        bench(sizes, expected, sim, nginx_port, worker, work)
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


def bench(sizes: list[int], expected: dict, sim, nginx_port: int, worker: subprocess.Popen, work: Path) -> None:
    from downloads.choices import JobState
    from downloads.models import DownloadJob
    from downloads.services import download_job_request

    for size in sizes:
        name = f"bench-{size >> 20}m.bin"
        started = time.monotonic()
        job = download_job_request(pid=PID, image_name=name)
        while True:
            job.refresh_from_db()
            if job.is_terminal or job.state in (JobState.BLOCKED, JobState.AWAITING_COMPLIANCE):
                break
            if worker.poll() is not None:
                raise SystemExit("the worker died; see its log")
            time.sleep(0.05)
        depot_seconds = time.monotonic() - started
        if job.state != JobState.STORED or job.stored_image.sha512 != expected[name][1]:
            raise SystemExit(f"{name}: job ended {job.state}: {job.reason}")
        DownloadJob.objects.all().delete()
        rss = peak_rss_mb(worker.pid)
        shell_seconds = run_shell(f"http://127.0.0.1:{nginx_port}/{name}", work / "shell.out")
        depot, shell = size / depot_seconds / 1e6, size / shell_seconds / 1e6
        print(
            f"{name}: Depot {depot:7.1f} MB/s ({depot_seconds:.2f} s, request to stored and verified)  "
            f"shell {shell:7.1f} MB/s ({shell_seconds:.2f} s)  ratio {depot / shell:.2f}  "
            f"worker peak RSS {rss:.0f} MB",
            flush=True,
        )
        from downloads import storage

        storage.stored_path(expected[name][1]).unlink()


if __name__ == "__main__":
    main()
