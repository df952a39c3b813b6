"""Events end to end: the apps' own send points, a real worker, the simulator and a real receiver on loopback.

A crypto image waits on the K9 form (compliance.waiting), an officer accepts it (compliance.decided), the job
resumes and is stored (download.stored); an image whose redirect leaves the allowed hosts fails
(download.failed). Every delivery is verified against its signature here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db.models import Q

from compliance.models import Decision
from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.services import download_job_request
from tests.compliance.conftest import _audit_rows_cleared_before_flush, page_post  # noqa: F401 - autouse fixture
from tests.waiting import wait_for
from tests.webhooks.conftest import SECRET, WORKER_ENV
from webhooks import services
from webhooks.choices import DeliveryState
from webhooks.models import WebhookDelivery

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

SIM = {"pid": "SIM-DL-1", "mdf_id": "999000001"}
EVENTS = ["download.stored", "download.failed", "compliance.waiting", "compliance.decided"]


@pytest.fixture
def simulator(sample_simulator):
    """The upstream of these tests: the simulator on the sample catalog (SIM-DL-1 has an image per outcome)."""
    return sample_simulator


def _job(job_id: int, *states: str) -> DownloadJob | None:
    job = DownloadJob.objects.get(pk=job_id)
    return job if job.state in states else None


def _delivered(receiver, event: str, job_id: int | None = None):
    for got in receiver.received:
        payload = got.json()
        if payload["event"] == event and (job_id is None or payload["data"].get("id") == job_id):
            return got
    return None


def test_download_and_compliance_events_reach_the_receiver_signed(
    client, officer, engineer, upstream, start_worker, receiver, allowed
):
    services.webhook_create(name="awx", url=receiver.url, secret=SECRET, events=EVENTS)
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()  # only K9 stands in the way
    sim_host = urlsplit(upstream.sim.url).netloc  # sim-external.bin's redirect leaves it: refused
    worker = start_worker(**upstream.env, **WORKER_ENV, PORTAL_ALLOWED_DOWNLOAD_HOSTS=sim_host)

    crypto = download_job_request(**SIM, image_name="sim-crypto-k9.bin", requested_by=engineer)
    plain = download_job_request(**SIM, image_name="sim-cloud.bin", requested_by=engineer)
    elsewhere = download_job_request(**SIM, image_name="sim-external.bin", requested_by=engineer)

    waiting = wait_for(lambda: _delivered(receiver, "compliance.waiting", crypto.pk), "the wait", worker=worker)
    assert waiting.json()["data"]["waiting_for"] == "k9" and waiting.json()["data"]["state"] == "awaiting_compliance"
    stored = wait_for(lambda: _delivered(receiver, "download.stored", plain.pk), "download.stored", worker=worker)
    assert stored.json()["data"]["actual_sha512"] == DownloadJob.objects.get(pk=plain.pk).stored_image.sha512
    failed = wait_for(lambda: _delivered(receiver, "download.failed", elsewhere.pk), "download.failed", worker=worker)
    assert "not in PORTAL_ALLOWED_DOWNLOAD_HOSTS" in failed.json()["data"]["reason"]

    client.force_login(officer)
    wait_for(lambda: "sim-crypto-k9.bin" in client.get("/compliance/").content.decode(), "the queue", worker=worker)
    answer = page_post(client, "k9", status="Accepted", bus_function="COMM_OR_CIVIL", confirm="on")
    assert answer.status_code == 302
    decided = wait_for(lambda: _delivered(receiver, "compliance.decided"), "compliance.decided", worker=worker)
    assert decided.json()["data"]["sequence"] == Decision.objects.get().sequence
    assert decided.json()["data"]["kind"] == "k9" and decided.json()["data"]["posted_ok"] is True

    resumed = wait_for(lambda: _delivered(receiver, "download.stored", crypto.pk), "the crypto job", worker=worker)
    assert resumed.json()["data"]["image_name"] == "sim-crypto-k9.bin"
    assert _job(crypto.pk, JobState.STORED) is not None

    assert all(got.signed_with(SECRET) for got in receiver.received)
    events = sorted(got.headers["X-Depot-Event"] for got in receiver.received)
    assert events == sorted(["compliance.waiting", "download.stored", "download.failed", "compliance.decided",
                             "download.stored"])  # fmt: skip
    # The receiver has each request before the worker records the answer: wait for the log to say so.
    finished = ~Q(state__in=[DeliveryState.PENDING, DeliveryState.SENDING])
    wait_for(lambda: WebhookDelivery.objects.filter(finished).count() == 5, "the log", worker=worker)
    log = WebhookDelivery.objects.all()
    assert {row.state for row in log} == {DeliveryState.DELIVERED} and {row.status_code for row in log} == {200}
