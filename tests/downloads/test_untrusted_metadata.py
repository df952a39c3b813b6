"""What the upstream publishes about an image is checked before it is trusted, and no error in a run leaves a
transfer lock behind (a hostile catalog in the simulator, a real worker, crashes injected in the task path)."""

from __future__ import annotations

import pytest

from downloads.choices import JobState
from downloads.models import DownloadJob, StoredImage, Transfer
from downloads.services import download_job_request, download_job_run
from downloads.services import run as run_module
from downloads.services.authorize import published_problem
from portal.cisco.payloads import Image
from tests.downloads import catalog
from tests.downloads.conftest import dl_requests, wait_job, wait_log

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = {"image_guid": "G", "name": "a.bin", "size": 10, "md5": "a" * 32, "sha512": "B" * 128}


@pytest.mark.parametrize(
    ("published", "reason"),
    [
        ({"sha512": ""}, "published no sha512"),
        ({"sha512": "g" * 128}, "a sha512 that is not 128 hex digits (got 'gggg"),
        ({"sha512": "a" * 127}, "a sha512 that is not 128 hex digits"),
        ({"sha512": "a" * 129}, "a sha512 that is not 128 hex digits"),
        ({"sha512": "\u0660" * 128}, "a sha512 that is not 128 hex digits"),  # Arabic-Indic digits are not hex
        ({"md5": ""}, "an md5 that is not 32 hex digits (got nothing)"),
        ({"md5": "a" * 31 + "\n"}, "an md5 that is not 32 hex digits (got 'aaaa"),
        ({"size": None}, "a size that is not a non-negative whole number"),
        ({"size": -1}, "a size that is not a non-negative whole number"),
    ],
)
def test_published_digests_and_size_must_have_their_shape(published, reason):
    problem = published_problem(Image(**{**GOOD, **published}))
    assert problem is not None and reason in problem


def test_well_formed_metadata_passes_whatever_the_case_of_its_hex():
    assert published_problem(Image(**GOOD)) is None
    assert published_problem(Image(**{**GOOD, "size": 0, "sha512": "aB" * 64})) is None


@pytest.mark.parametrize("name", sorted(catalog.BAD_METADATA))
def test_bad_published_metadata_fails_the_job_at_once_and_creates_no_transfer(dl_upstream, shared_worker, name):
    first = wait_job(download_job_request(pid=catalog.PID, image_name=name).pk, worker=shared_worker)
    assert first.state == JobState.FAILED and first.runs == 1  # at once, not after restarts of a crashed worker
    assert first.upstream_code == "BAD_METADATA"
    field = "sha512" if "sha512" in name else "md5"
    digits = 128 if field == "sha512" else 32
    assert f"The upstream published a{'n' if field == 'md5' else ''} {field} that is not {digits} hex digits" in (
        first.reason
    )
    assert "\x00" not in first.reason  # a NUL is shown escaped (repr), never stored raw
    # Nothing was left behind: a second job for the image fails the same way instead of waiting on a lock.
    second = wait_job(download_job_request(pid=catalog.PID, image_name=name).pk, worker=shared_worker)
    assert second.state == JobState.FAILED and second.reason == first.reason
    assert not Transfer.objects.exists() and not dl_requests(dl_upstream.sim)
    lines = [f"download job {job.pk} failed (BAD_METADATA): The upstream published" for job in (first, second)]
    wait_log(shared_worker, *lines)


def _crash_after(monkeypatch, name: str) -> None:
    """Make run.<name> do its work, then raise, as a bug in the code after it would."""
    real = getattr(run_module, name)

    def crashing(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("injected crash")

    monkeypatch.setattr(run_module, name, crashing)


def _job(name: str) -> DownloadJob:
    return DownloadJob.objects.create(pid=catalog.PID, image_name=name)  # nothing enqueued: run here


def test_a_crash_while_streaming_fails_the_job_and_frees_the_image(dl_upstream, monkeypatch, caplog):
    monkeypatch.setattr(run_module, "_verify_and_store", lambda *a: (_ for _ in ()).throw(RuntimeError("boom")))
    job = _job("dl-other-1.bin")
    download_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.upstream_code == "INTERNAL_ERROR" and job.run_id == ""
    assert job.reason == "An unexpected error stopped this job (RuntimeError); the worker's log has the details."
    assert not Transfer.objects.exists()
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [
        f"download job {job.pk} stopped by an unexpected error"
    ]
    monkeypatch.undo()
    again = _job("dl-other-1.bin")
    download_job_run(job_id=again.pk)
    assert DownloadJob.objects.get(pk=again.pk).state == JobState.STORED


def test_a_crash_after_authorizing_a_batch_frees_the_lock_and_hands_peers_their_own_runs(dl_upstream, monkeypatch):
    enqueued: list[int] = []
    monkeypatch.setattr(run_module, "enqueue", enqueued.append)
    _crash_after(monkeypatch, "authorize")
    job, peer = _job("dl-other-1.bin"), _job("dl-other-2.bin")
    download_job_run(job_id=job.pk)  # authorizes both in one batch, each leading its image's transfer, then crashes
    states = {j.pk: DownloadJob.objects.get(pk=j.pk) for j in (job, peer)}
    assert states[job.pk].state == JobState.FAILED and states[job.pk].upstream_code == "INTERNAL_ERROR"
    assert states[peer.pk].state == JobState.DOWNLOADING and states[peer.pk].run_id == ""
    assert list(Transfer.objects.values_list("leader_id", flat=True)) == [peer.pk]  # the crashed job's lock went
    assert enqueued == [peer.pk]
    assert not DownloadJob.objects.exclude(run_id="").exists()
    monkeypatch.undo()
    download_job_run(job_id=peer.pk)
    assert DownloadJob.objects.get(pk=peer.pk).state == JobState.STORED
    assert StoredImage.objects.get().name == "dl-other-2.bin" and not Transfer.objects.exists()
