"""A Redis restart that loses the queued message loses no job: the database is the truth and reconciliation
enqueues the job again (a real redis-server, a real worker, the simulator over HTTP)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import redis as redis_client

from downloads.choices import JobState
from downloads.models import DownloadJob
from tests.downloads import catalog
from tests.downloads.conftest import wait_job
from tests.fixtures.needs import missing
from tests.fixtures.worker import ROOT, child_env

pytestmark = pytest.mark.django_db(transaction=True)
REDIS = shutil.which("redis-server")


class Redis:
    """A redis-server of our own with no persistence, so a restart forgets every message."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        args = [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis() -> Iterator[Redis]:
    if REDIS is None:
        missing("PORTAL_REQUIRE_REDIS", "redis-server is not installed (apt-get install redis-server)")
    server = Redis()
    server.start()
    yield server
    server.stop()


def _manage(env: dict[str, str], code: str) -> None:
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, timeout=60)


def test_redis_restart_loses_the_message_but_not_the_job(dl_upstream, redis, start_worker):
    env = {**dl_upstream.env, "CELERY_BROKER_URL": redis.url, "PORTAL_CELERY_KEY_PREFIX": f"t{redis.port}:"}
    job = DownloadJob.objects.create(pid=catalog.PID, image_name="dl-other-2.bin")
    _manage(child_env(**env), f"from downloads.services.jobs import enqueue; enqueue({job.pk})")
    queue_key = env["PORTAL_CELERY_KEY_PREFIX"] + os.environ["PORTAL_CELERY_QUEUE"]
    assert redis_client.Redis(port=redis.port).llen(queue_key) == 1  # the message is in Redis
    redis.stop()
    redis.start()  # empty: the message is gone
    assert redis_client.Redis(port=redis.port).llen(queue_key) == 0
    worker = start_worker(**env)
    # The worker consumes: a job enqueued now is run (of another PID, so the lost one is not claimed beside it),
    # while the lost one is still queued: nothing was left to deliver.
    later = DownloadJob.objects.create(pid="NOT-A-PID", image_name="other.bin")
    _manage(child_env(**env), f"from downloads.services.jobs import enqueue; enqueue({later.pk})")
    assert wait_job(later.pk, worker=worker).state == JobState.FAILED
    assert DownloadJob.objects.get(pk=job.pk).state == JobState.QUEUED
    _manage(
        child_env(**env),
        "from downloads.services import download_jobs_reconcile as r; print(r(queued_after_seconds=0))",
    )
    done = wait_job(job.pk, worker=worker)
    assert done.state == JobState.STORED and done.requeues == 1
