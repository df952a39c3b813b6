"""Authorization's steps against the simulator over HTTP: every job of a batch ends on one explicit Step."""

from __future__ import annotations

import pytest

from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob, Transfer
from downloads.services.authorize import Step, authorize
from portal.cisco.provider import get_client
from tests.downloads import catalog
from tests.factories_downloads import stored_image_with_file

pytestmark = pytest.mark.django_db(transaction=True)


def _authorizing(name: str, **fields) -> DownloadJob:
    return DownloadJob.objects.create(pid=catalog.PID, image_name=name, state=JobState.AUTHORIZING, **fields)


def test_one_batch_ends_every_job_on_its_own_step(dl_upstream):
    jobs = {
        "lead": _authorizing("dl-plain.bin"),
        "blocked": _authorizing("dl-contract.bin"),
        "unknown": _authorizing("no-such-image.bin"),
    }
    result = authorize(get_client(), list(jobs.values()))
    steps = {label: result.steps[job.pk] for label, job in jobs.items()}
    assert steps["lead"] is Step.LEADS and result.leaders == [jobs["lead"]]
    assert steps["blocked"] is Step.BLOCKED and steps["unknown"] is Step.FAILED
    states = {label: DownloadJob.objects.get(pk=job.pk).state for label, job in jobs.items()}
    assert states["lead"] == JobState.DOWNLOADING and states["blocked"] == JobState.BLOCKED
    assert states["unknown"] == JobState.FAILED
    assert Transfer.objects.get().leader_id == jobs["lead"].pk


def test_a_form_to_accept_puts_the_job_in_the_compliance_queue(dl_upstream):
    dl_upstream.sim.reset()  # forms not accepted
    job = _authorizing("dl-crypto-k9.bin")
    assert authorize(get_client(), [job]).steps == {job.pk: Step.AWAITING_COMPLIANCE}
    job.refresh_from_db()
    assert job.state == JobState.AWAITING_COMPLIANCE and job.waiting_for == ComplianceNeed.K9_EULA


def test_stored_and_running_images_need_no_upstream_call(dl_upstream):
    image = stored_image_with_file(name="dl-plain.bin")
    leader = _authorizing("dl-other-1.bin")
    authorize(get_client(), [leader])
    calls = len(dl_upstream.sim.log())
    stored = _authorizing("dl-plain.bin", expected_sha512=image.sha512)
    joining = _authorizing("dl-other-1.bin", image_guid=DownloadJob.objects.get(pk=leader.pk).image_guid)
    cancelled = _authorizing("dl-plain.bin", expected_sha512=image.sha512)
    DownloadJob.objects.filter(pk=cancelled.pk).update(state=JobState.CANCELLED)
    result = authorize(get_client(), [stored, joining, cancelled])
    assert result.steps == {stored.pk: Step.STORED, joining.pk: Step.JOINED, cancelled.pk: Step.GONE}
    assert result.leaders == [] and len(dl_upstream.sim.log()) == calls
    assert DownloadJob.objects.get(pk=joining.pk).transfer.leader_id == leader.pk
