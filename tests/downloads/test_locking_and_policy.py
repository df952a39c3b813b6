"""One transfer per image, host policy before any connection, compliance waits and blocks, hostile names."""

from __future__ import annotations

import pytest
from django.db import connection

from downloads import storage
from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob, StoredImage, Transfer
from downloads.services import (
    DownloadRequestInvalid,
    download_job_request,
    download_jobs_block_by_compliance,
    download_jobs_resume_waiting,
)
from downloads.signals import job_awaiting_compliance
from tests.downloads import catalog
from tests.downloads.conftest import dl_requests, wait_job, wait_log

pytestmark = pytest.mark.django_db(transaction=True)


def test_twenty_jobs_for_one_image_make_one_transfer(dl_upstream, shared_worker):
    jobs = [download_job_request(pid=catalog.PID, image_name="dl-big.bin") for _ in range(20)]
    done = [wait_job(job.pk, worker=shared_worker) for job in jobs]
    assert {job.state for job in done} == {JobState.STORED}, [job.reason for job in done]
    assert len({job.stored_image_id for job in done}) == 1
    assert StoredImage.objects.count() == 1 and Transfer.objects.count() == 0
    served = dl_requests(dl_upstream.sim)
    assert len(served) == 1 and served[0]["status"] == 200
    # A job for an image already stored completes at once, without the upstream.
    before = len(dl_upstream.sim.log())
    late = download_job_request(pid=catalog.PID, image_name="dl-big.bin", image_guid=done[0].image_guid)
    assert late.state == JobState.STORED and late.stored_image_id == done[0].stored_image_id
    assert len(dl_upstream.sim.log()) == before


def test_jobs_of_one_pid_share_upstream_calls_of_at_most_five_guids(dl_upstream, shared_worker):
    names = ["dl-plain.bin", "dl-cloud.bin", "dl-other-1.bin", "dl-other-2.bin", "dl-big.bin", "dl-crypto-k9.bin"]
    jobs = [download_job_request(pid=catalog.PID, image_name=name) for name in names]
    done = [wait_job(job.pk, worker=shared_worker) for job in jobs]
    assert {job.state for job in done} == {JobState.STORED}
    calls = [e for e in dl_upstream.sim.log() if e["path"].endswith("download/pidimage")]
    assert 2 <= len(calls) < len(names)  # batched, and never more than 5 GUIDs (the simulator refuses that)
    assert all(e["status"] == 200 for e in calls)


def test_redirect_to_a_host_not_allowed_fails_before_any_connection(dl_upstream, shared_worker, recorder):
    before = recorder.connections
    job = wait_job(download_job_request(pid=catalog.PID, image_name="dl-elsewhere.bin").pk, worker=shared_worker)
    assert job.state == JobState.FAILED
    assert "not in PORTAL_ALLOWED_DOWNLOAD_HOSTS" in job.reason and "localhost" in job.reason
    assert job.upstream_code == "HOST_NOT_ALLOWED"
    wait_log(shared_worker, f"download job {job.pk} failed (HOST_NOT_ALLOWED): {job.reason}")
    assert recorder.connections == before
    assert not list(storage.partial_dir().iterdir())


def test_k9_wait_signals_compliance_then_resumes_when_the_form_is_accepted(dl_upstream, shared_worker):
    sim = dl_upstream.sim
    sim.reset()  # forms not accepted
    heard = []

    def listener(sender, job_id, **kwargs):
        heard.append(job_id)

    job_awaiting_compliance.connect(listener)
    try:
        job = download_job_request(pid=catalog.PID, image_name="dl-crypto-k9.bin")
        job = wait_job(job.pk, worker=shared_worker)
    finally:
        job_awaiting_compliance.disconnect(listener)
    assert job.state == JobState.AWAITING_COMPLIANCE
    assert job.waiting_for == ComplianceNeed.K9_EULA
    assert "K9_EULA_FORM_AR" in job.upstream_code and job.upstream_message
    # The signal was sent by the worker process; this process sees the row. Resume after a decision:
    sim.accept_forms()
    assert download_jobs_resume_waiting(form="k9") == 1
    assert download_jobs_resume_waiting(form="k9") == 0  # nothing waits any more
    job = wait_job(job.pk, states={JobState.STORED}, worker=shared_worker)
    assert job.stored_image.sha512 == catalog.expected("dl-crypto-k9.bin")["sha512"]


def test_eula_decline_blocks_waiting_jobs_by_compliance_until_an_acceptance(dl_upstream, shared_worker):
    dl_upstream.sim.reset()
    job = wait_job(download_job_request(pid=catalog.PID, image_name="dl-plain.bin").pk, worker=shared_worker)
    assert job.state == JobState.AWAITING_COMPLIANCE and job.waiting_for == ComplianceNeed.EULA
    assert download_jobs_block_by_compliance(form="k9", reason="K9 declined") == 0
    assert download_jobs_block_by_compliance(form="eula", reason="EULA declined by officer") == 1
    job.refresh_from_db()
    assert job.state == JobState.BLOCKED_BY_COMPLIANCE and job.reason == "EULA declined by officer"
    assert job.waiting_for == ComplianceNeed.EULA and job.upstream_code == "" and job.upstream_message == ""
    assert job.can_cancel and not job.can_retry
    dl_upstream.sim.accept_forms()
    assert download_jobs_resume_waiting(form="eula") == 1  # the blocked job resumes like a waiting one
    assert wait_job(job.pk, states={JobState.STORED}, worker=shared_worker).stored_image is not None


def test_contract_restriction_blocks_with_the_upstream_code_and_message(dl_upstream, shared_worker):
    job = wait_job(download_job_request(pid=catalog.PID, image_name="dl-contract.bin").pk, worker=shared_worker)
    assert job.state == JobState.BLOCKED
    assert job.upstream_code == "CONTRACT_IMG_REQ"
    assert "service contract" in job.upstream_message
    assert not dl_requests(dl_upstream.sim)


@pytest.mark.parametrize("name", [*catalog.HOSTILE_NAMES, "..", ".hidden", "a\\b.bin", "tab\there.bin", ""])
def test_hostile_image_names_are_refused_on_request(db, name):
    with pytest.raises(DownloadRequestInvalid) as caught:
        download_job_request(pid=catalog.PID, image_name=name)
    assert caught.value.code == "unsafe_image_name"
    assert DownloadJob.objects.count() == 0


@pytest.mark.parametrize("name", [n for n in catalog.HOSTILE_NAMES if len(n) <= 256])
def test_hostile_upstream_names_never_become_paths(dl_upstream, shared_worker, name, tmp_path):
    # A row written around the service (an old version, the admin): the worker checks the upstream's name too.
    if "\x00" in name and connection.vendor == "postgresql":
        pytest.skip("PostgreSQL text cannot hold NUL, so no such row can exist; the service refuses it (above)")
    job = DownloadJob.objects.create(pid=catalog.PID, image_name=name)
    from downloads.services.jobs import enqueue

    enqueue(job.pk)
    job = wait_job(job.pk, worker=shared_worker)
    assert job.state == JobState.FAILED and job.upstream_code == "UNSAFE_IMAGE_NAME"
    assert job.reason.startswith("The upstream's file name was refused: ")
    wait_log(shared_worker, f"download job {job.pk} failed (UNSAFE_IMAGE_NAME): The upstream's file name")
    root = storage.root().resolve()
    files = [p for p in root.rglob("*") if p.is_file()]
    assert all(root in p.resolve().parents for p in files)
    assert not (root.parent / "escape.bin").exists() and not (root.parent.parent / "escape.bin").exists()
    assert not dl_requests(dl_upstream.sim)


def test_unicode_name_with_spaces_is_stored_under_its_digest(dl_upstream, shared_worker):
    name = "dl empty ünïcode.bin"
    job = wait_job(download_job_request(pid=catalog.PID, image_name=name).pk, worker=shared_worker)
    assert job.state == JobState.STORED and job.stored_image.name == name
    path = storage.stored_path(catalog.expected(name)["sha512"])
    assert path.exists() and path.stat().st_size == 0
