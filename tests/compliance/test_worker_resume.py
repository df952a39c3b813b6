"""Over real HTTP with the simulator and a real worker: a download held for the K9 form resumes by itself once an
officer accepts; the worker's signal receiver fetches the form the officer answers, and a new version of the form
is asked for again."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from compliance.choices import FormKind
from compliance.models import Decision, FormSnapshot
from compliance.receivers import refresh_throttle_key
from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.services import download_job_request
from tests.compliance.conftest import page_post
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CRYPTO = {"pid": "SIM-DL-1", "image_name": "sim-crypto-k9.bin", "mdf_id": "999000001"}


def job_in(job_id: int, *states: str) -> DownloadJob | None:
    job = DownloadJob.objects.get(pk=job_id)
    return job if job.state in states else None


def test_a_download_waiting_on_k9_resumes_by_itself_once_an_officer_accepts(client, officer, engineer, upstream,
                                                                            start_worker):  # fmt: skip
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()  # only K9 stands in the way
    worker = start_worker(**upstream.env)
    job = download_job_request(**CRYPTO, requested_by=engineer)
    held = wait_for(lambda: job_in(job.pk, JobState.AWAITING_COMPLIANCE, JobState.FAILED), "the K9 hold", worker=worker)
    assert held.state == JobState.AWAITING_COMPLIANCE, held.reason
    assert held.waiting_for == "k9" and held.upstream_code == "K9_FORM_AR"  # neither accepted nor rejected yet
    # The worker's receiver of job_awaiting_compliance fetched the form: the officer answers what Cisco asks now.
    snapshot = wait_for(lambda: FormSnapshot.objects.filter(kind=FormKind.K9).first(), "the K9 snapshot", worker=worker)
    assert snapshot.sub_app_version == "9"

    client.force_login(officer)
    assert "sim-crypto-k9.bin" in client.get("/compliance/").content.decode()
    response = page_post(client, "k9", status="Accepted", bus_function="COMM_OR_CIVIL", confirm="on")
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Decision.objects.get().posted_ok

    ended = (JobState.STORED, JobState.FAILED, JobState.BLOCKED)
    done = wait_for(lambda: job_in(job.pk, *ended), "the download", worker=worker)
    assert done.state == JobState.STORED, done.reason
    assert done.stored_image.size == 20000
    assert "sim-crypto-k9.bin" not in client.get("/compliance/").content.decode()

    # Cisco publishes K9 version 10: the next crypto download is held again and the queue asks for a new decision.
    upstream.sim.forms(k9="10")
    cache.delete(refresh_throttle_key("k9"))  # as if the throttle's window had passed (the cache is shared)
    second = download_job_request(**{**CRYPTO, "image_name": "sim-cloud-k9.bin"}, requested_by=engineer)
    held = wait_for(
        lambda: job_in(second.pk, JobState.AWAITING_COMPLIANCE, JobState.FAILED), "the new hold", worker=worker
    )
    assert held.waiting_for == "k9"
    wait_for(lambda: FormSnapshot.objects.filter(kind=FormKind.K9, sub_app_version="10").exists(), "v10", worker=worker)
    queue = client.get("/compliance/").content.decode()
    assert "sim-cloud-k9.bin" in queue and "for an older version (9)" in queue
    assert "Cisco asks for this form again" in queue
