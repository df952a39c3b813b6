"""The whole walk of an image over real HTTP: simulator, real worker process, storage."""

from __future__ import annotations

import pytest

from downloads import storage
from downloads.choices import JobState
from downloads.models import DownloadJob, StoredImage
from downloads.services import download_job_request
from tests.downloads import catalog
from tests.downloads.conftest import dl_requests, wait_job

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("name", ["dl-plain.bin", "dl-cloud.bin"])
def test_default_and_cloud_urls_are_fetched_through_their_redirects(dl_upstream, shared_worker, name):
    worker = shared_worker
    job = download_job_request(pid=catalog.PID, image_name=name)
    job = wait_job(job.pk, worker=worker)
    want = catalog.expected(name)
    assert job.state == JobState.STORED, job.reason
    stored = job.stored_image
    assert stored.sha512 == want["sha512"] and stored.md5 == want["md5"] and stored.size == int(want["size"])
    path = storage.stored_path(stored.sha512)
    assert path.stat().st_size == int(want["size"])
    assert path.parent.name == stored.sha512[:2]
    log = dl_upstream.sim.log()
    first_hop = "/files/swc/sec/" if name == "dl-cloud.bin" else "/pcgi-bin/swdld/download.cgi"
    hops = [e for e in log if e["path"].startswith((first_hop, "/edge/", "/dl/"))]
    assert hops[0]["path"].startswith(first_hop) and hops[0]["status"] == 302
    assert hops[-1]["path"].startswith("/dl/") and hops[-1]["status"] == 200
    if name == "dl-cloud.bin":
        assert hops[0]["method"] == "POST" and any(e["path"].startswith("/edge/") for e in hops)
    assert len(dl_requests(dl_upstream.sim)) == 1
    assert StoredImage.objects.count() == 1 and DownloadJob.objects.get(pk=job.pk).transfer is None
