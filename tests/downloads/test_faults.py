"""Each fault of the simulator's switchboard, met by a real worker over real HTTP."""

from __future__ import annotations

import re

import pytest

from downloads import storage
from downloads.choices import JobState
from downloads.services import download_job_request
from tests.downloads import catalog
from tests.downloads.conftest import dl_requests, wait_job, wait_log

pytestmark = pytest.mark.django_db(transaction=True)

NAME = "dl-plain.bin"
SIZE = int(catalog.expected(NAME)["size"])


def _fetch(dl_upstream, worker, name: str = NAME):
    job = download_job_request(pid=catalog.PID, image_name=name)
    return wait_job(job.pk, worker=worker)


def _assert_stored(job, name: str = NAME) -> None:
    want = catalog.expected(name)
    assert job.state == JobState.STORED, job.reason
    assert job.stored_image.sha512 == want["sha512"]
    path = storage.stored_path(want["sha512"])
    assert path.stat().st_size == int(want["size"])
    assert not list(storage.partial_dir().iterdir())


def test_truncated_body_resumes_with_range_from_the_bytes_on_disk(dl_upstream, shared_worker):
    worker = shared_worker
    dl_upstream.sim.fault("^/dl/", kind="truncate", after_bytes=1_500_000)
    job = _fetch(dl_upstream, worker)
    _assert_stored(job)
    served = dl_requests(dl_upstream.sim)
    assert len(served) == 2
    assert served[0]["fault"] == "truncate"
    # The second request asks only for what is missing (at most one chunk re-read is allowed by the server cut).
    assert served[1]["range"] and served[1]["range"].startswith("bytes=")
    start = int(served[1]["range"].split("=")[1].split("-")[0])
    assert 0 < start <= 1_500_000
    assert served[1]["status"] == 206


def test_corrupted_bytes_are_caught_then_one_clean_retry_succeeds(dl_upstream, shared_worker):
    worker = shared_worker
    dl_upstream.sim.fault("^/dl/", kind="corrupt", after_bytes=4096)
    job = _fetch(dl_upstream, worker)
    _assert_stored(job)
    served = dl_requests(dl_upstream.sim)
    assert [e["fault"] for e in served] == ["corrupt", None]
    assert all(not e["range"] for e in served)  # the retry starts clean, from byte 0


def test_corrupted_twice_fails_showing_both_checksums(dl_upstream, shared_worker):
    worker = shared_worker
    dl_upstream.sim.fault("^/dl/", kind="corrupt", after_bytes=4096, count=2)
    job = _fetch(dl_upstream, worker)
    want = catalog.expected(NAME)
    assert job.state == JobState.FAILED
    assert job.upstream_code == "CHECKSUM_MISMATCH"
    assert want["sha512"] in job.reason and job.actual_sha512 in job.reason
    assert job.actual_sha512 != want["sha512"] and len(job.actual_sha512) == 128
    wait_log(
        worker,
        f"download job {job.pk}: the bytes of {NAME} did not match the published checksums; one clean",
        f"download job {job.pk} failed (CHECKSUM_MISMATCH): {job.reason}",
    )
    assert not storage.stored_path(want["sha512"]).exists()
    assert not list(storage.partial_dir().iterdir())


@pytest.mark.parametrize("kind", ["status", "drop", "delay"])
def test_5xx_dropped_connection_and_delay_on_the_bytes_are_survived(dl_upstream, shared_worker, kind):
    worker = shared_worker
    dl_upstream.sim.fault("^/dl/", kind=kind, status=503, delay=1.0, count=2 if kind != "delay" else 1)
    job = _fetch(dl_upstream, worker)
    _assert_stored(job)
    served = dl_requests(dl_upstream.sim)
    assert [e["fault"] for e in served][: 2 if kind != "delay" else 1] == [kind] * (2 if kind != "delay" else 1)


@pytest.mark.parametrize("path", ["download/pidimage", "metadata/pidimage", "download.cgi"])
def test_5xx_on_the_api_and_first_hop_are_retried(dl_upstream, shared_worker, path):
    worker = shared_worker
    dl_upstream.sim.fault(path, kind="status", status=502, count=2)
    job = _fetch(dl_upstream, worker)
    _assert_stored(job)
    hits = [e["status"] for e in dl_upstream.sim.log() if re.search(path, e["path"])]
    assert hits[:2] == [502, 502] and hits[2] in (200, 302)  # refused twice, then answered


@pytest.mark.parametrize("name", ["dl-norange.bin", "dl-bad206.bin"])
def test_a_reply_that_is_not_the_expected_206_restarts_from_zero(dl_upstream, shared_worker, odd_server, name):
    job = _fetch(dl_upstream, shared_worker, name)
    _assert_stored(job, name)
    seen = [s for s in odd_server.seen if s[0].endswith("/" + name)]
    assert seen[0][1] == "" and seen[1][1].startswith("bytes=")  # cut short, then a resume was asked for
    if name == "dl-norange.bin":
        assert [s[2] for s in seen] == [200, 200]  # the 200 was taken from byte 0, not appended
    else:
        assert [s[2] for s in seen] == [200, 206, 200] and seen[2][1] == ""  # wrong span: start over, no Range
