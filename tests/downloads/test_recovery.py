"""Faults of our own side and of time: SIGKILL mid-transfer, expired transaction and URL, stale partials."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.utils import timezone

from downloads import storage
from downloads.choices import JobState
from downloads.models import DownloadJob, Transfer
from downloads.services import (
    download_job_cancel,
    download_job_request,
    download_jobs_reconcile,
    download_jobs_requeue_stale,
    download_partials_sweep,
)
from downloads.services.urls import UrlSource
from portal.cisco.provider import get_client
from tests.downloads import catalog
from tests.downloads.conftest import dl_requests, wait_job
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
MIB = 1 << 20


def test_worker_killed_mid_transfer_then_a_new_worker_finishes_with_the_right_sha512(dl_upstream, start_worker):
    slow = start_worker(**dl_upstream.env, PORTAL_DOWNLOAD_MAX_RATE=str(2 * MIB))
    job = download_job_request(pid=catalog.PID, image_name="dl-big.bin")
    wait_for(lambda: DownloadJob.objects.get(pk=job.pk).bytes_done >= 3 * MIB, "3 MiB on disk", worker=slow)
    slow.kill()
    killed_at = DownloadJob.objects.get(pk=job.pk)
    assert killed_at.state == JobState.DOWNLOADING
    partial = storage.partial_path(killed_at.expected_sha512)
    on_disk = partial.stat().st_size
    assert 3 * MIB <= on_disk < killed_at.expected_size

    start_worker(**dl_upstream.env)
    # The killed worker beats no more: any heartbeat older than now is stale.
    assert download_jobs_requeue_stale(stale_after_seconds=0) == [job.pk]
    done = wait_job(job.pk)
    want = catalog.expected("dl-big.bin")
    assert done.state == JobState.STORED, done.reason
    assert done.stored_image.sha512 == want["sha512"] and done.requeues == 1
    assert storage.stored_path(want["sha512"]).stat().st_size == int(want["size"])
    served = dl_requests(dl_upstream.sim)
    assert len(served) == 2
    resumed_from = int(served[1]["range"].split("=")[1].split("-")[0])
    assert resumed_from >= on_disk  # nothing already on disk was fetched again
    assert not partial.exists()


def test_clock_past_transaction_and_url_expiry_mid_job_gets_fresh_ones(dl_upstream, shared_worker):
    sim = dl_upstream.sim
    hold = sim.hold("download.cgi")  # the first hop waits, and is answered as the simulator stands at release
    job = download_job_request(pid=catalog.PID, image_name="dl-plain.bin")
    sim.wait_held(fault_id=hold["id"])
    sim.advance_clock(3700)  # past the 60 minutes of the URL, the metadataTransId and the access token
    assert sim.release(hold["id"]) == 1
    done = wait_job(job.pk, worker=shared_worker)
    assert done.state == JobState.STORED, done.reason
    log = sim.log()
    first_hops = [e for e in log if e["path"].endswith("download.cgi")]
    assert first_hops[0]["status"] == 403  # the expired URL was refused, not its bytes served
    pidimage = [e for e in log if e["path"].endswith("download/pidimage")]
    # 403: the access token expired too and was fetched again; 400: MTRANSID_EXPIRED, then metadata again.
    assert [e["status"] for e in pidimage if e["status"] != 403] == [200, 400, 200]
    assert len([e for e in log if e["path"].endswith("metadata/pidimage")]) == 2
    assert len(dl_requests(sim)) == 1


def test_url_older_than_55_minutes_is_never_used(dl_upstream, recorder):
    found = catalog.expected("dl-plain.bin")
    transfer = Transfer.objects.create(
        sha512=found["sha512"],
        md5=found["md5"],
        size=int(found["size"]),
        image_guid=found["imageGuid"],
        image_name="dl-plain.bin",
        pid=catalog.PID,
        mdf_id=catalog.MDF_ID,
        url=f"http://127.0.0.1:{recorder.port}/stale-url",
        url_issued_at=timezone.now() - dt.timedelta(minutes=56),
    )
    before = recorder.connections
    source = UrlSource(transfer, get_client())
    assert source.url_expired()
    with source.open(0) as stream:
        assert stream.status_code == 200
    assert recorder.connections == before
    transfer.refresh_from_db()
    assert "stale-url" not in transfer.url and not UrlSource(transfer, get_client()).url_expired()


def test_reconcile_reenqueues_queued_jobs_the_broker_lost(dl_upstream, shared_worker):
    # Written as if the message had been lost (no on_commit enqueue): only the database knows the job.
    job = DownloadJob.objects.create(pid=catalog.PID, image_name="dl-other-1.bin")
    DownloadJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=10))
    assert download_jobs_reconcile(queued_after_seconds=60) == [job.pk]
    assert wait_job(job.pk, worker=shared_worker).state == JobState.STORED
    assert download_jobs_reconcile(queued_after_seconds=60) == []


def test_requeue_skips_followers_and_fresh_heartbeats(db):
    now = timezone.now()
    leader = DownloadJob.objects.create(pid="P", image_name="a.bin", state=JobState.DOWNLOADING, heartbeat_at=now)
    transfer = Transfer.objects.create(
        sha512="a" * 128, image_guid="G", image_name="a.bin", pid="P", mdf_id="1", leader=leader
    )
    follower = DownloadJob.objects.create(
        pid="P",
        image_name="a.bin",
        state=JobState.DOWNLOADING,
        heartbeat_at=now - dt.timedelta(hours=1),
        transfer=transfer,
    )
    DownloadJob.objects.filter(pk=leader.pk).update(transfer=transfer)
    assert download_jobs_requeue_stale(stale_after_seconds=60) == []
    follower.refresh_from_db()
    assert follower.state == JobState.DOWNLOADING and follower.requeues == 0


def test_partials_with_no_live_transfer_are_swept_after_a_day(db):
    live = storage.partial_path("b" * 128)
    orphan = storage.partial_path("c" * 128)
    young = storage.partial_path("d" * 128)
    for path in (live, orphan, young):
        path.write_bytes(b"x" * 10)
    day_ago = time.time() - 86_500
    os.utime(live, (day_ago, day_ago))
    os.utime(orphan, (day_ago, day_ago))
    Transfer.objects.create(sha512="b" * 128, image_guid="G", image_name="b.bin", pid="P", mdf_id="1")
    swept = download_partials_sweep()
    assert [item.name for item in swept] == ["c" * 128]
    assert live.exists() and young.exists() and not orphan.exists()


def test_cancelling_the_leader_hands_the_transfer_to_a_waiting_job(dl_upstream, start_worker):
    # The cap makes the rest of the transfer last seconds after the release: the leader's run sees the cancel
    # at one of its progress saves (twice a second) long before the last byte.
    worker = start_worker(**dl_upstream.env, PORTAL_DOWNLOAD_MAX_RATE=str(3 * MIB))
    sim = dl_upstream.sim
    hold = sim.hold("^/dl/", after_bytes=2 * MIB)  # the leader's bytes stop after 2 MiB until released
    leader = download_job_request(pid=catalog.PID, image_name="dl-big.bin")
    sim.wait_held(fault_id=hold["id"])
    follower = download_job_request(pid=catalog.PID, image_name="dl-big.bin")
    wait_for(
        lambda: DownloadJob.objects.get(pk=follower.pk).state == JobState.DOWNLOADING, "follower waits", worker=worker
    )
    assert DownloadJob.objects.get(pk=follower.pk).transfer.leader_id == leader.pk
    download_job_cancel(job_id=leader.pk)
    assert sim.release(hold["id"]) == 1
    done = wait_job(follower.pk)
    assert done.state == JobState.STORED and done.stored_image.sha512 == catalog.expected("dl-big.bin")["sha512"]
    assert DownloadJob.objects.get(pk=leader.pk).state == JobState.CANCELLED
    served = dl_requests(dl_upstream.sim)
    assert len(served) == 2 and served[1]["range"]  # the follower resumed the leader's partial
