"""Fixtures of the webhooks tests: a real receiver on loopback, Depot allowed to reach it, a real worker."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.fixtures.worker import WorkerProcess, child_env, worker_command
from tests.waiting import wait_for
from webhooks.models import WebhookDelivery
from webhooks.signing import signature_valid

SECRET = "s3cret-for-the-tests-0123456789"
# A worker's environment: the receiver on loopback allowed, and retries a few hundredths of a second apart.
WORKER_ENV = {
    "PORTAL_ALLOWED_WEBHOOK_HOSTS": "127.0.0.1",
    "PORTAL_WEBHOOK_RETRY_BACKOFF": "0.05",
    "PORTAL_WEBHOOK_RETRY_BACKOFF_MAX": "0.2",
    "PORTAL_WEBHOOK_READ_TIMEOUT": "1",
}


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        return signature_valid(self.body, secret, self.headers.get("X-Depot-Signature", ""))


class Receiver(ThreadingHTTPServer):
    """A webhook receiver: records every connection and request, answers each request with the next status of
    ``script`` (then 200). A status of 0 holds the answer until ``release`` is set (a receiver that hangs)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Received] = []
        self.script: list[int] = []
        self.headers_out: dict[str, str] = {}
        self.connections = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/depot"

    def verify_request(self, request, client_address) -> bool:
        with self._lock:
            self.connections += 1
        return True

    def next_status(self) -> int:
        with self._lock:
            return self.script.pop(0) if self.script else 200

    def handle_error(self, request, client_address) -> None:
        return  # a client that gave up (read timeout) before a held answer: expected, not worth a traceback

    def close(self) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, *args) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = self.server.next_status()
        if status == 0:
            self.server.release.wait(30)
            status = 200
        self.server.received.append(Received(self.path, dict(self.headers.items()), body))
        answer = b"ok" if status < 300 else f"receiver says no ({status})".encode()
        self.send_response(status)
        for name, value in self.server.headers_out.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def allowed(settings):
    """This process may register targets on 127.0.0.1 (as the workers may reach them)."""
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["127.0.0.1"]
    return settings


@pytest.fixture(scope="session")
def _shared_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """One real worker for the tests that need no special environment, on its own queue (starting one per test
    costs seconds); tests that need another environment start their own with ``start_worker``."""
    queue = os.environ["PORTAL_CELERY_QUEUE"] + "-webhooks"
    with django_db_blocker.unblock():
        env = child_env(**WORKER_ENV, PORTAL_CELERY_QUEUE=queue)
    args = worker_command(2)
    args[args.index("-Q") + 1] = queue
    worker = WorkerProcess(args, env, tmp_path_factory.mktemp("webhooks-worker") / "worker.log").start()
    yield worker, queue
    worker.stop()


@pytest.fixture
def hook_worker(_shared_worker_process, transactional_db, settings) -> WorkerProcess:
    """The shared worker; deliveries queued by this test go to its queue (Celery reads the default queue from the
    settings each time it routes a task)."""
    worker, queue = _shared_worker_process
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    return worker


def wait_delivery(delivery_id: int, *states: str, worker: WorkerProcess | None = None) -> WebhookDelivery:
    """Wait until the delivery is in one of ``states`` (any final state by default) and return it."""
    wanted = set(states) or {"delivered", "failed", "cancelled"}

    def reached() -> WebhookDelivery | None:
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        return delivery if delivery.state in wanted else None

    return wait_for(reached, f"delivery {delivery_id} to reach {sorted(wanted)}", worker=worker)
