"""Single services and helpers, run in this process: names, hashing, streaming edge cases, the signal."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from downloads import schedules, storage
from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob
from downloads.services import download_job_run
from downloads.signals import job_awaiting_compliance
from downloads.storage import UnsafeImageName, validate_image_name
from downloads.transfer.hashing import digest_bytes
from downloads.transfer.stream import PartialStream, SizeMismatch, TransferAborted
from portal.celery import app
from tests.downloads import catalog


@pytest.mark.parametrize(
    "name", ["../x.bin", "a/b.bin", "a\\b.bin", "/etc/passwd", "..", ".", "nul\x00.bin", "x" * 256, "a\nb", "", " a"]
)
def test_unsafe_names_are_refused(name):
    with pytest.raises(UnsafeImageName):
        validate_image_name(name)


@pytest.mark.parametrize("name", ["cat9k_iosxe.17.09.04a.SPA.bin", "n9000-epld.7.0.3.I7.9.img", "dl ünï (1).bin"])
def test_real_names_pass(name):
    assert validate_image_name(name) == name


@given(st.text(min_size=1, max_size=300))
def test_a_name_that_passes_is_one_path_component_inside_storage(name):
    try:
        validate_image_name(name)
    except UnsafeImageName:
        return
    assert "/" not in name and "\x00" not in name and ".." not in name and len(name) <= 255


@given(st.lists(st.binary(max_size=5000), max_size=8))
def test_parallel_digests_equal_hashlib(parts):
    whole = b"".join(parts)
    result = digest_bytes(parts)
    assert result.sha512 == hashlib.sha512(whole).hexdigest()
    assert result.md5 == hashlib.md5(whole).hexdigest()  # noqa: S324
    assert result.size == len(whole)


class _Stream:
    """A stand-in for portal.cisco.download.ImageStream (the HTTP side is tested over real HTTP elsewhere)."""

    def __init__(self, data: bytes, *, offset: int = 0, honoured: bool = True) -> None:
        self.data, self.offset, self.range_honoured = data, offset, honoured
        self.status_code, self.total_size = (206 if offset else 200), None
        self.position = offset

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def readinto(self, buffer) -> int:
        part = self.data[self.position : self.position + min(len(buffer), 4096)]  # short reads, as sockets give
        buffer[: len(part)] = part
        self.position += len(part)
        return len(part)


class _Source:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def open(self, start: int) -> _Stream:
        return _Stream(self.data, offset=start)


def test_stream_resumes_from_a_partial_prefix_by_rehashing_it(tmp_path):
    data = bytes(range(256)) * 1000
    partial = tmp_path / "p"
    partial.write_bytes(data[:100_000])
    stream = PartialStream(_Source(data), partial, size=len(data), progress=lambda *a: None)
    digests = stream.run()
    assert stream.resumed_from == 100_000 and digests.sha512 == hashlib.sha512(data).hexdigest()
    assert partial.read_bytes() == data


def test_stream_refuses_more_bytes_than_published(tmp_path):
    stream = PartialStream(_Source(b"x" * 100), tmp_path / "p", size=50, progress=lambda *a: None)
    with pytest.raises(SizeMismatch):
        stream.run()


def test_partial_longer_than_the_image_starts_over(tmp_path):
    data = b"abc" * 100
    partial = tmp_path / "p"
    partial.write_bytes(b"z" * 1000)
    assert PartialStream(_Source(data), partial, size=len(data), progress=lambda *a: None).run().size == len(data)
    assert partial.read_bytes() == data


def test_storage_paths_come_from_digests_only(settings, tmp_path):
    settings.PORTAL_STORAGE_DIR = tmp_path
    digest = "ab" * 64
    assert storage.stored_path(digest) == tmp_path / "ab" / digest
    with pytest.raises(ValueError):
        storage.stored_path("../" + "a" * 125)


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in schedules.BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_awaiting_compliance_sends_the_signal_after_commit(dl_upstream):
    dl_upstream.sim.reset()  # no form accepted
    heard = []

    def listener(sender, job_id, **kwargs):
        heard.append((sender, job_id, DownloadJob.objects.get(pk=job_id).state))

    def broken(sender, job_id, **kwargs):
        raise RuntimeError("a receiver that fails must not break the job's run")

    job = DownloadJob.objects.create(pid=catalog.PID, image_name="dl-crypto-k9.bin")  # no enqueue: run it here
    job_awaiting_compliance.connect(broken)
    job_awaiting_compliance.connect(listener)
    try:
        download_job_run(job_id=job.pk)
    finally:
        job_awaiting_compliance.disconnect(listener)
        job_awaiting_compliance.disconnect(broken)
    job.refresh_from_db()
    assert job.state == JobState.AWAITING_COMPLIANCE and job.waiting_for == ComplianceNeed.K9_EULA
    assert heard == [(DownloadJob, job.pk, JobState.AWAITING_COMPLIANCE)]
    download_job_run(job_id=job.pk)  # a second run of a waiting job does nothing
    assert len(heard) == 1


@pytest.mark.django_db
def test_progress_is_saved_at_most_twice_a_second():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from downloads.models import Transfer
    from downloads.services.run import ProgressWriter

    job = DownloadJob.objects.create(pid="P", image_name="a.bin", state=JobState.DOWNLOADING, run_id="r1")
    transfer = Transfer.objects.create(
        sha512="e" * 128, image_guid="G", image_name="a.bin", pid="P", mdf_id="1", leader=job
    )
    now = [1000.0]
    writer = ProgressWriter(job.pk, transfer.pk, "r1", clock=lambda: now[0])
    with CaptureQueriesContext(connection) as queries:
        for done in range(0, 100_000, 1000):
            now[0] += 0.004  # 100 chunks in 0.4 s
            writer(done, 1_000_000)
    assert len(queries) == 3  # one save (leader, followers, transfer) for the whole burst
    job.refresh_from_db()
    assert job.bytes_done == 0 and job.bytes_total == 1_000_000 and job.heartbeat_at is not None
    with CaptureQueriesContext(connection) as queries:
        now[0] += 0.5  # half a second after that save: the next chunk saves again, with a rate
        writer(200_000, 1_000_000)
    assert len(queries) == 3
    job.refresh_from_db()
    assert job.bytes_done == 200_000 and job.rate > 0 and job.eta_seconds is not None
    DownloadJob.objects.filter(pk=job.pk).update(run_id="someone-else")
    with pytest.raises(TransferAborted):
        writer(1_000_000, 1_000_000)  # the final byte always saves, and finds the job taken over
