"""job_stored and job_failed: sent once per job that ends so, after the commit that made it true, from every way a
job can end (a run over the simulator, the store at request time, a declined form, the give-up of recovery)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.utils import timezone

from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob
from downloads.services import (
    download_job_cancel,
    download_job_request,
    download_job_run,
    download_jobs_block_by_compliance,
    download_jobs_requeue_stale,
)
from downloads.services.recovery import MAX_REQUEUES
from downloads.signals import job_failed, job_stored
from tests.downloads import catalog
from tests.factories_downloads import stored_image_with_file

pytestmark = pytest.mark.django_db(transaction=True)


class Heard:
    """What job_stored and job_failed told their receivers, in order, and whether the row was committed then."""

    def __init__(self) -> None:
        self.events: list[tuple[str, int, str]] = []

    def stored(self, sender, job_id: int, **kwargs) -> None:
        self.events.append(("stored", job_id, DownloadJob.objects.get(pk=job_id).state))

    def failed(self, sender, job_id: int, **kwargs) -> None:
        self.events.append(("failed", job_id, DownloadJob.objects.get(pk=job_id).state))


@pytest.fixture
def heard() -> Iterator[Heard]:
    listener = Heard()
    job_stored.connect(listener.stored)
    job_failed.connect(listener.failed)
    yield listener
    job_stored.disconnect(listener.stored)
    job_failed.disconnect(listener.failed)


def _job(name: str) -> DownloadJob:
    # Written without the service so nothing is enqueued: this test runs the job itself, in this process.
    return DownloadJob.objects.create(pid=catalog.PID, image_name=name)


def test_a_job_stored_over_the_simulator_sends_job_stored_once(dl_upstream, heard):
    job = _job("dl-other-1.bin")
    download_job_run(job_id=job.pk)
    assert heard.events == [("stored", job.pk, JobState.STORED)]


def test_a_refused_download_sends_job_failed_and_logs_one_warning(dl_upstream, heard, caplog):
    job = _job("dl-elsewhere.bin")
    with caplog.at_level(logging.WARNING, logger="downloads"):
        download_job_run(job_id=job.pk)
    assert heard.events == [("failed", job.pk, JobState.FAILED)]
    job.refresh_from_db()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    lines = [line for line in warnings if f"job {job.pk} " in line]
    assert lines == [f"download job {job.pk} failed (HOST_NOT_ALLOWED): {job.reason}"]


def test_every_job_of_one_transfer_is_announced(dl_upstream, heard):
    jobs = [_job("dl-other-2.bin") for _ in range(3)]
    for job in jobs:  # the first leads the transfer; the others find the stored file
        download_job_run(job_id=job.pk)
    assert sorted(heard.events) == sorted(("stored", job.pk, JobState.STORED) for job in jobs)


def test_a_request_for_a_stored_image_is_announced_after_its_commit(heard):
    image = stored_image_with_file(name="already.bin")
    with transaction.atomic():
        job = download_job_request(pid="C9300-24P", image_name="already.bin")
        assert heard.events == []  # not before the commit
    assert job.state == JobState.STORED and job.stored_image == image
    assert heard.events == [("stored", job.pk, JobState.STORED)]


def test_a_rolled_back_end_is_never_announced(heard):
    stored_image_with_file(name="rolled.bin")
    with pytest.raises(RuntimeError), transaction.atomic():
        download_job_request(pid="C9300-24P", image_name="rolled.bin")
        raise RuntimeError("roll back")
    assert heard.events == [] and not DownloadJob.objects.exists()


def test_given_up_runs_send_job_failed_a_declined_form_and_a_cancel_send_nothing(heard):
    waiting = DownloadJob.objects.create(
        pid="P", image_name="w.bin", state=JobState.AWAITING_COMPLIANCE, waiting_for=ComplianceNeed.EULA
    )
    stale = DownloadJob.objects.create(
        pid="P",
        image_name="s.bin",
        state=JobState.DOWNLOADING,
        requeues=MAX_REQUEUES,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    cancelled = DownloadJob.objects.create(pid="P", image_name="c.bin", state=JobState.QUEUED)
    assert download_jobs_block_by_compliance(form="eula", reason="declined") == 1  # held, not ended
    assert download_jobs_requeue_stale(stale_after_seconds=60) == []
    download_job_cancel(job_id=cancelled.pk)
    assert DownloadJob.objects.get(pk=waiting.pk).state == JobState.BLOCKED_BY_COMPLIANCE
    assert heard.events == [("failed", stale.pk, JobState.FAILED)]
