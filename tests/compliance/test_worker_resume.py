"""Over real HTTP with the simulator and a real worker: a download held for the K9 form resumes by itself once an
officer accepts; the worker's signal receiver fetches the form the officer answers, and a new version of the form
is asked for again."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from compliance.choices import FormKind
from compliance.models import Decision, FormSnapshot
from compliance.receivers import refresh_throttle_key
from compliance.services import form_snapshot_fetch
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


def test_a_decline_blocks_downloads_by_compliance_and_a_later_acceptance_resumes_them(
    client, api_as, officer, engineer, upstream, start_worker
):
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()  # only K9 stands in the way
    worker = start_worker(**upstream.env)
    first = download_job_request(**CRYPTO, requested_by=engineer)
    wait_for(lambda: job_in(first.pk, JobState.AWAITING_COMPLIANCE), "the K9 hold", worker=worker)
    wait_for(lambda: FormSnapshot.objects.filter(kind=FormKind.K9).exists(), "the K9 snapshot", worker=worker)

    client.force_login(officer)
    declined = page_post(client, "k9", status="Declined", bus_function="COMM_OR_CIVIL", confirm="on",
                         comments="no export licence yet")  # fmt: skip
    assert declined.status_code == 302
    note = client.get("/compliance/").content.decode()
    assert "1 waiting download is now blocked by compliance" in note
    first.refresh_from_db()
    assert first.state == JobState.BLOCKED_BY_COMPLIANCE and first.waiting_for == "k9"
    assert "declined by off (record #1): no export licence yet" in first.reason
    assert first.upstream_code == "" and first.upstream_message == ""  # "K9 not accepted yet" is stale now

    # Asked after the decline, Cisco says the form is not accepted: the decline stands, so the job is blocked by
    # compliance at once (the worker's receiver), listed with the first, not waiting for a first decision.
    second = download_job_request(**{**CRYPTO, "image_name": "sim-cloud-k9.bin"}, requested_by=engineer)
    held = wait_for(lambda: job_in(second.pk, JobState.BLOCKED_BY_COMPLIANCE, JobState.BLOCKED, JobState.FAILED),
                    "the second job", worker=worker)  # fmt: skip
    assert held.state == JobState.BLOCKED_BY_COMPLIANCE and held.waiting_for == "k9", held.reason
    assert "declined by off (record #1): no export licence yet" in held.reason
    queue = client.get("/compliance/").content.decode()
    blocked = queue[queue.index('id="blocked-k9"') :]
    assert f'id="job-{first.pk}"' in blocked and f'id="job-{second.pk}"' in blocked and ">eng<" in blocked
    groups = api_as(officer).get("/api/v1/compliance/queue/").json()
    assert [job["id"] for job in groups[0]["blocked"]] == [first.pk, second.pk] and groups[0]["jobs"] == []
    assert {job["state"] for job in groups[0]["blocked"]} == {"blocked_by_compliance"}
    job_page = client.get(f"/downloads/jobs/{first.pk}/").content.decode()
    assert "The form was declined" in job_page and "Press Retry" not in job_page and "press Retry" not in job_page

    accepted = page_post(client, "k9", status="Accepted", bus_function="COMM_OR_CIVIL", confirm="on")
    assert accepted.status_code == 302
    assert "2 downloads resumed." in client.get("/compliance/").content.decode()
    ended = (JobState.STORED, JobState.FAILED, JobState.BLOCKED, JobState.BLOCKED_BY_COMPLIANCE)
    for job in (first, second):
        done = wait_for(lambda job=job: job_in(job.pk, *ended), "the resumed download", worker=worker)
        assert done.state == JobState.STORED, done.reason
    assert 'id="blocked-k9"' not in client.get("/compliance/").content.decode()


def test_a_k9_answer_cisco_refuses_blocks_by_compliance_until_a_new_acceptance(
    client, officer, engineer, upstream, start_worker
):
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    # A government entity outside the listed countries: Cisco takes the answer, then refuses crypto (K9_REJECTED).
    refused = page_post(client, "k9", status="Accepted", bus_function="GOV_OR_MIL",
                        gov_mil_countries="GOV_OR_MIL_COUNTRIES_NO", confirm="on")  # fmt: skip
    assert refused.status_code == 302
    worker = start_worker(**upstream.env)
    job = download_job_request(**CRYPTO, requested_by=engineer)
    held = wait_for(lambda: job_in(job.pk, JobState.BLOCKED_BY_COMPLIANCE, JobState.BLOCKED, JobState.FAILED),
                    "the refusal", worker=worker)  # fmt: skip
    assert held.state == JobState.BLOCKED_BY_COMPLIANCE and held.upstream_code == "K9_REJECTED", held.reason
    assert f'id="job-{job.pk}"' in client.get("/compliance/").content.decode()
    assert page_post(client, "k9", status="Accepted", bus_function="COMM_OR_CIVIL", confirm="on").status_code == 302
    done = wait_for(lambda: job_in(job.pk, JobState.STORED, JobState.FAILED, JobState.BLOCKED), "the download",
                    worker=worker)  # fmt: skip
    assert done.state == JobState.STORED, done.reason
