"""Fixtures of the downloads tests: a simulator on our own small catalog, Depot aimed at it, real workers."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings

from downloads.choices import HELD_BY_COMPLIANCE, TERMINAL_STATES, JobState
from downloads.models import DownloadJob
from portal.cisco.provider import reset_client
from portal.cisco.simulator.content import ImageBytes
from tests.downloads import catalog
from tests.fixtures.simulator import CLIENT_ID, CLIENT_SECRET, FAST_QPS, Simulator
from tests.fixtures.upstream import aim_settings
from tests.fixtures.upstream import upstream_env as shared_upstream_env
from tests.fixtures.worker import WorkerProcess, child_env, worker_command
from tests.waiting import wait_for


class ConnectionRecorder:
    """A TCP listener that records every connection made to it (none must come for refused hosts)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture(scope="session")
def recorder() -> Iterator[ConnectionRecorder]:
    rec = ConnectionRecorder()
    yield rec
    rec.sock.close()


class OddServer(ThreadingHTTPServer):
    """Serves catalog images the way some servers do: the first answer of each path is cut short; then
    /norange/ ignores Range (200, whole body) and /bad206/ answers a 206 for the wrong span once."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _OddHandler)
        self.seen: list[tuple[str, str, int]] = []  # (path, Range header, status)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _OddHandler(BaseHTTPRequestHandler):
    server: OddServer

    def log_message(self, *args) -> None:
        return

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        entry = catalog.expected(name)
        data = ImageBytes(entry["imageGuid"], int(entry["size"])).read()
        wanted = self.headers.get("Range", "")
        earlier = [s for s in self.server.seen if s[0] == self.path]
        status = 200
        if earlier and wanted and self.path.startswith("/bad206/") and len(earlier) == 1:
            status = 206  # for the wrong span: from byte 0, whatever was asked
        self.server.seen.append((self.path, wanted, status))
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        if status == 206:
            self.send_header("Content-Range", f"bytes 0-{len(data) - 1}/{len(data)}")
        self.end_headers()
        self.wfile.write(data if earlier else data[: len(data) // 2])


@pytest.fixture(scope="session")
def odd_server() -> Iterator[OddServer]:
    server = OddServer()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def dl_catalog(tmp_path_factory, recorder, odd_server):
    # "localhost" is not an allowed host in these tests (only 127.0.0.1 is): the redirect must be refused.
    url = f"http://localhost:{recorder.port}/elsewhere/dl-elsewhere.bin"
    path = tmp_path_factory.mktemp("dl-catalog") / "catalog.json"
    return catalog.write(path, refused_external_url=url, odd_server_url=odd_server.url)


@pytest.fixture
def dl_sim(simulator_factory, dl_catalog) -> Iterator[Simulator]:
    """The simulator on the downloads catalog, reset, with both forms accepted (so downloads get URLs)."""
    sim = Simulator(simulator_factory(dl_catalog, "--qps", FAST_QPS).url)
    sim.reset()
    sim.accept_forms()
    yield sim
    sim.close()


def upstream_env(sim_url: str, token_url: str) -> dict[str, str]:
    """The environment of a worker process aimed at the simulator (only 127.0.0.1 allowed for downloads)."""
    return shared_upstream_env(
        sim_url,
        token_url,
        CLIENT_ID,
        CLIENT_SECRET,
        PORTAL_UPSTREAM_QPS="200",
        PORTAL_UPSTREAM_RETRY_BACKOFF_MAX="0.3",
        PORTAL_ALLOWED_DOWNLOAD_HOSTS="127.0.0.1",
    )


@pytest.fixture(scope="session")
def _shared_worker_process(django_db_setup, django_db_blocker, simulator_factory, dl_catalog, tmp_path_factory):
    """One real worker for the tests that need no special environment (starting one per test costs seconds).

    It consumes its own queue, so tests that start their own workers (throttled, killed) never race with it.
    """
    sim = simulator_factory(dl_catalog, "--qps", FAST_QPS)
    queue = os.environ["PORTAL_CELERY_QUEUE"] + "-shared"
    with django_db_blocker.unblock():
        env = child_env(**upstream_env(sim.url, sim.token_url), PORTAL_CELERY_QUEUE=queue)
    args = worker_command(2)
    args[args.index("-Q") + 1] = queue
    worker = WorkerProcess(args, env, tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield worker, queue
    worker.stop()


@pytest.fixture
def shared_worker(_shared_worker_process, settings) -> WorkerProcess:
    """The shared worker; jobs enqueued by this test go to its queue (Celery reads the default queue from the
    settings each time it routes a task)."""
    worker, queue = _shared_worker_process
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    return worker


@dataclass
class DlUpstream:
    sim: Simulator
    env: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def dl_upstream(dl_sim, settings) -> Iterator[DlUpstream]:
    """Depot (this process and workers started with ``**dl_upstream.env``) aimed at ``dl_sim``."""
    env = upstream_env(dl_sim.url, dl_sim.token_url)
    aim_settings(settings, env)
    yield DlUpstream(dl_sim, env)
    reset_client()


@pytest.fixture(autouse=True)
def clean_storage() -> Iterator[None]:
    """Each test starts with empty storage (files are content-addressed: leftovers would hide bugs)."""
    root = django_settings.PORTAL_STORAGE_DIR
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    yield


def wait_job(
    job_id: int,
    states=TERMINAL_STATES | {JobState.BLOCKED, *HELD_BY_COMPLIANCE},
    timeout: float = 60,
    worker=None,
) -> DownloadJob:
    """Wait until the job is in one of ``states`` and return it."""

    def done():
        job = DownloadJob.objects.get(pk=job_id)
        return job if job.state in states else None

    try:
        return wait_for(done, f"job {job_id} to reach {sorted(states)}", timeout=timeout, worker=worker)
    except AssertionError as exc:
        job = DownloadJob.objects.get(pk=job_id)
        raise AssertionError(f"job {job_id} stuck in {job.state}: {job.reason}\n{exc}") from None


def worker_log(worker: WorkerProcess) -> str:
    """Everything the worker has logged so far (``output()`` keeps only the tail)."""
    return worker.log_path.read_text(errors="replace")


def wait_log(worker: WorkerProcess, *texts: str, timeout: float = 30) -> str:
    """The worker's log once it holds every one of ``texts`` (a job's row can change before its log line is
    flushed, so tests wait for the line instead of reading the log once)."""

    def logged() -> str:
        log = worker_log(worker)
        return log if all(text in log for text in texts) else ""

    return wait_for(logged, f"the worker to log {texts!r}", timeout=timeout, worker=worker)


def dl_requests(sim: Simulator) -> list[dict]:
    """The byte requests the simulator served (the /dl/ endpoint), oldest first."""
    return [entry for entry in sim.log() if entry["path"].startswith("/dl/")]
