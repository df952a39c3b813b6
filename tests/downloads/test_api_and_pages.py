"""REST API and pages: requests (202 + Location), cancel/retry, files with Range and checksums, device links."""

from __future__ import annotations

import base64
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from downloads.choices import ComplianceNeed, JobState
from downloads.models import DownloadJob
from downloads.services import device_link_create, download_jobs_resume_waiting
from downloads.services.jobs import job_end
from tests.factories_downloads import DownloadJobFactory, stored_image_with_file

pytestmark = pytest.mark.django_db


def test_api_request_answers_202_with_the_job_url(api_as, engineer, django_capture_on_commit_callbacks):
    client = api_as(engineer)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/api/v1/downloads/jobs/", {"pid": "C9300-24P", "image_name": "cat9k.17.9.4a.bin"})
    assert response.status_code == 202
    body = response.json()
    assert response["Location"] == body["url"] and body["url"].endswith(f"/api/v1/downloads/jobs/{body['id']}/")
    assert body["state"] == "queued" and body["progress"]["bytes_done"] == 0
    assert len(callbacks) == 1  # enqueued on commit, not before
    assert DownloadJob.objects.get(pk=body["id"]).requested_by == engineer
    detail = client.get(body["url"])
    assert detail.status_code == 200 and detail.json()["id"] == body["id"]


def test_api_refuses_hostile_names_and_needs_permissions(api_as, engineer, officer):
    response = api_as(engineer).post("/api/v1/downloads/jobs/", {"pid": "X", "image_name": "../../etc/passwd"})
    assert response.status_code == 400 and response.json()["code"] == "unsafe_image_name"
    assert api_as(officer).post("/api/v1/downloads/jobs/", {"pid": "X", "image_name": "a.bin"}).status_code == 403
    assert api_as(officer).get("/api/v1/downloads/jobs/").status_code == 200


def test_api_cancel_and_retry(api_as, engineer):
    client = api_as(engineer)
    job = DownloadJobFactory(state=JobState.DOWNLOADING)
    assert client.post(f"/api/v1/downloads/jobs/{job.pk}/retry/").status_code == 409
    response = client.post(f"/api/v1/downloads/jobs/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert client.post(f"/api/v1/downloads/jobs/{job.pk}/cancel/").json()["code"] == "job_not_cancellable"
    response = client.post(f"/api/v1/downloads/jobs/{job.pk}/retry/")
    assert response.status_code == 202 and response.json()["state"] == "queued"


def test_job_list_endpoint_query_count_does_not_grow(api_as, engineer, django_assert_max_num_queries):
    client = api_as(engineer)
    DownloadJobFactory.create_batch(3, requested_by=engineer)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/downloads/jobs/?page_size=100")
    DownloadJobFactory.create_batch(30, requested_by=engineer, stored_image=stored_image_with_file())
    with django_assert_max_num_queries(len(few)):
        response = client.get("/api/v1/downloads/jobs/?page_size=100")
    assert response.json()["count"] == 33


def test_stored_file_over_the_api_with_range_and_checksum_headers(api_as, engineer):
    image = stored_image_with_file()
    data = (image.sha512, image.md5)
    client = api_as(engineer)
    full = client.get(f"/api/v1/downloads/images/{image.pk}/file/")
    assert full.status_code == 200
    body = b"".join(full.streaming_content)
    assert hashlib.sha512(body).hexdigest() == data[0]
    assert full["X-Checksum-SHA512"] == data[0] and full["X-Checksum-MD5"] == data[1]
    assert full["Content-MD5"] == base64.b64encode(bytes.fromhex(data[1])).decode()
    assert full["Repr-Digest"].startswith("sha-512=:")
    part = client.get(f"/api/v1/downloads/images/{image.pk}/file/", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{image.size}"
    assert b"".join(part.streaming_content) == body[100:200] and "Content-MD5" not in part
    tail = client.get(f"/api/v1/downloads/images/{image.pk}/file/", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]
    past = client.get(f"/api/v1/downloads/images/{image.pk}/file/", HTTP_RANGE=f"bytes={image.size}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{image.size}"
    listing = client.get("/api/v1/downloads/images/").json()
    assert listing["results"][0]["sha512"] == data[0]


def test_device_link_needs_no_login_and_expires(client, settings):
    image = stored_image_with_file(name="c9300 image.bin")
    path = device_link_create(stored_image=image)
    assert ":" not in path.split("/d/")[1]
    response = client.get(path)  # anonymous
    assert response.status_code == 200 and response["X-Checksum-SHA512"] == image.sha512
    assert client.get(path.rsplit("/", 1)[0] + "/other.bin").status_code == 404
    assert client.get(path.replace("/d/", "/d/9").replace(".", "x", 1)).status_code == 404
    settings.PORTAL_DEVICE_LINK_MAX_AGE = -1
    assert client.get(path).status_code == 404


def test_x_accel_redirect_when_configured(client, settings, engineer):
    image = stored_image_with_file()
    settings.PORTAL_SERVE_ACCEL_PREFIX = "/_storage/"
    client.force_login(engineer)
    response = client.get(reverse("downloads:image-file", args=[image.pk]))
    assert response["X-Accel-Redirect"] == f"/_storage/{image.sha512[:2]}/{image.sha512}"
    assert response.content == b"" and response["X-Checksum-SHA512"] == image.sha512


def test_pages_show_progress_needs_and_sanitised_upstream_message(client, engineer):
    client.force_login(engineer)
    waiting = DownloadJobFactory(
        state=JobState.AWAITING_COMPLIANCE,
        waiting_for=ComplianceNeed.K9,
        upstream_code="K9_FORM_ACC",
        upstream_message="K9 form have not been accepted",
    )
    blocked = DownloadJobFactory(
        state=JobState.BLOCKED,
        upstream_code="IAC_ERROR",
        upstream_message='Go to <a href="https://edsart.example/x" target="_blank" onclick="x()">ART</a>'
        "<script>alert(1)</script><img src=x onerror=alert(2)>",
    )
    running = DownloadJobFactory(state=JobState.DOWNLOADING, bytes_done=50, bytes_total=200, rate=2e6, eta_seconds=75)
    page = client.get(reverse("downloads:job-list")).content.decode()
    assert 'hx-trigger="every 1s"' in page and '<progress class="dl-bar" value="50" max="200">' in page
    detail = client.get(reverse("downloads:job-detail", args=[waiting.pk])).content.decode()
    assert "accept the K9 (export) form" in detail and 'hx-trigger="every 1s"' not in detail
    detail = client.get(reverse("downloads:job-detail", args=[blocked.pk])).content.decode()
    assert "service contract" in detail and 'rel="noopener noreferrer"' in detail
    assert "<script>" not in detail and "onerror" not in detail and "onclick" not in detail
    progress = client.get(reverse("downloads:job-progress", args=[running.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress and "ETA 1 minute 15 seconds" in progress and "1.9 MB/s" in progress


def test_page_request_cancel_and_retry(client, engineer, django_capture_on_commit_callbacks):
    client.force_login(engineer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("downloads:job-request"),
            {"pid": "C9300-24P", "image_name": "a.bin", "next": "https://evil.example/"},
        )
    job = DownloadJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    client.post(reverse("downloads:job-cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("downloads:job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == JobState.QUEUED


def test_repository_pages(client, engineer, django_assert_max_num_queries):
    client.force_login(engineer)
    image = stored_image_with_file(name="asr1000-universalk9.17.9.4a.SPA.bin")
    client.get(reverse("downloads:image-list"))  # the first request fills the shared cache (permissions, roles)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("downloads:image-list")).content.decode()
    assert image.name in listing
    detail = client.get(reverse("downloads:image-detail", args=[image.pk])).content.decode()
    assert image.sha512 in detail and image.md5 in detail and "copy http://testserver/d/" in detail


def test_anonymous_users_are_sent_to_login(client):
    assert client.get(reverse("downloads:job-list")).status_code == 302


def test_the_live_part_of_a_stored_job_holds_the_whole_detail_and_stops_polling(client, engineer, settings):
    client.force_login(engineer)
    image = stored_image_with_file(name="cat9k live.bin")
    settings.PORTAL_DEVICE_LINK_MAX_AGE = 3600
    job = DownloadJobFactory(
        state=JobState.STORED,
        stored_image=image,
        actual_sha512=image.sha512,
        actual_md5=image.md5,
        expected_size=image.size,
        bytes_done=image.size,
        bytes_total=image.size,
        runs=1,
    )
    live = client.get(reverse("downloads:job-progress", args=[job.pk])).content.decode()
    assert "hx-get" not in live  # ended: nothing more to poll for
    assert f'id="job-actual-sha512">{image.sha512}<' in live and f'id="job-actual-md5">{image.md5}<' in live
    assert f'id="job-received-size">{image.size} bytes<' in live
    assert "copy http://testserver/d/" in live and "/cat9k%20live.bin flash:" in live
    assert "valid for 1 hour)" in live
    for state, every in [
        (JobState.QUEUED, "1s"),
        (JobState.DOWNLOADING, "1s"),
        (JobState.AWAITING_COMPLIANCE, "5s"),
        (JobState.BLOCKED, "5s"),
    ]:
        other = DownloadJobFactory(state=state)
        page = client.get(reverse("downloads:job-progress", args=[other.pk])).content.decode()
        assert f'hx-trigger="every {every}"' in page and "copy http" not in page, state


def test_the_admin_list_shows_no_stale_wait_on_a_stored_job(client, administrator):
    stored = DownloadJobFactory(state=JobState.AWAITING_COMPLIANCE, waiting_for=ComplianceNeed.EULA)
    assert download_jobs_resume_waiting(form="eula") == 1
    assert DownloadJob.objects.get(pk=stored.pk).waiting_for == ""
    waiting = DownloadJobFactory(state=JobState.AWAITING_COMPLIANCE, waiting_for=ComplianceNeed.K9)
    failed = DownloadJobFactory(state=JobState.AUTHORIZING, waiting_for=ComplianceNeed.K9)  # an old row
    assert job_end(failed.pk, JobState.AUTHORIZING, JobState.FAILED, "x")
    client.force_login(administrator)
    page = client.get("/admin/downloads/downloadjob/").content.decode()
    rows = page[page.index('id="result_list"') : page.index("</table>", page.index('id="result_list"'))]
    assert rows.count(ComplianceNeed.K9.label) == 1  # only the job still waiting
    assert ComplianceNeed.EULA.label not in rows
    assert DownloadJob.objects.get(pk=waiting.pk).waiting_for == ComplianceNeed.K9


def test_device_links_use_the_device_base_url_and_api_links_the_portal_base_url(api_as, engineer, settings, client):
    image = stored_image_with_file(name="c9300 dev.bin")
    settings.ALLOWED_HOSTS = ["depot.internal", "testserver"]
    api = api_as(engineer)
    # Unset: both come from the Host header the request was sent to.
    link = api.post(f"/api/v1/downloads/images/{image.pk}/link/", HTTP_HOST="depot.internal").json()
    assert link["url"].startswith("http://depot.internal/d/") and link["url"].endswith("/c9300%20dev.bin")
    assert link["copy_command"] == f"copy {link['url']} flash:"
    job = api.post(
        "/api/v1/downloads/jobs/", {"pid": "C9300-24P", "image_name": "c9300 dev.bin"}, HTTP_HOST="depot.internal"
    )
    assert job.json()["url"].startswith("http://depot.internal/api/v1/downloads/jobs/")

    settings.PORTAL_DEVICE_BASE_URL = "http://10.0.0.5:8080"
    settings.PORTAL_BASE_URL = "https://depot.example.net"
    link = api.post(f"/api/v1/downloads/images/{image.pk}/link/", HTTP_HOST="depot.internal").json()
    assert link["url"].startswith("http://10.0.0.5:8080/d/") and link["copy_command"] == f"copy {link['url']} flash:"
    assert client.get(link["url"].removeprefix("http://10.0.0.5:8080")).status_code == 200  # the path is the link
    job = api.post(
        "/api/v1/downloads/jobs/", {"pid": "C9300-24P", "image_name": "c9300 dev.bin"}, HTTP_HOST="depot.internal"
    )
    body = job.json()
    assert body["url"] == f"https://depot.example.net/api/v1/downloads/jobs/{body['id']}/" == job["Location"]
    assert body["stored_image"] == f"https://depot.example.net/api/v1/downloads/images/{image.pk}/"
    detail = api.get(f"/api/v1/downloads/images/{image.pk}/", HTTP_HOST="depot.internal").json()
    assert detail["file"] == f"https://depot.example.net/api/v1/downloads/images/{image.pk}/file/"
    client.force_login(engineer)
    page = client.get(f"/downloads/images/{image.pk}/", HTTP_HOST="depot.internal").content.decode()
    assert "copy http://10.0.0.5:8080/d/" in page
