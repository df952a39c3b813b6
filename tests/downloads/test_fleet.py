"""Downloading the target images of many devices: the catalog says which images they want, downloads writes one
job per distinct image; the page's message links to the jobs, the API answers with their URLs."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages

from downloads.choices import JobSource, JobState
from downloads.models import DownloadJob
from downloads.services import download_jobs_request_targets
from portal.catalog.services.recommendations import recommendations_recompute
from portal.inventory.models import Device
from tests.factories_downloads import stored_image_with_file
from tests.factories_inventory import DeviceFactory, ImageFactory, catalog_of

pytestmark = pytest.mark.django_db

ROWS = [("17.3.8a", "suggested"), ("17.9.1", "deferred", "deleted"), ("17.9.4", "psirt"), ("17.12.4", "suggested")]
TARGET = "cat9k_iosxe.17.12.4.SPA.bin"


@pytest.fixture
def fleet():
    """Four devices that want 17.12.4, one that runs it already, one whose PID the catalog does not know."""
    releases = catalog_of("C9300-24P", ROWS)
    ImageFactory(release=releases["17.12.4"], name="cat9k_iosxe.17.12.04.SPA.bin.sig", is_related=True)
    DeviceFactory.create_batch(4, current_release="17.3.8a")
    DeviceFactory(current_release="17.12.4")
    DeviceFactory(pid="NOT-IN-CATALOG", current_release="17.3.8a")
    recommendations_recompute()
    return releases


def test_one_job_per_distinct_target_image_with_what_a_request_needs(
    fleet, engineer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        result = download_jobs_request_targets(devices=Device.objects.all(), requested_by=engineer)
    image = fleet["17.12.4"].images.get(name=TARGET)
    assert [(job.image_name, job.pid, job.image_guid, job.mdf_id) for job in result.jobs] == [
        (TARGET, "C9300-24P", image.guid.upper(), image.release.product.mdf_id)
    ]
    assert result.jobs[0].source == JobSource.DEVICES and result.jobs[0].requested_by == engineer
    assert (result.devices, result.without_target, result.refused) == (6, 1, ())
    assert len(enqueued) == 1


def test_an_image_already_stored_completes_at_once_and_an_unsafe_name_is_reported(fleet):
    guid = fleet["17.12.4"].images.get(name=TARGET).guid
    stored = stored_image_with_file(name=TARGET, image_guid=guid.upper())
    result = download_jobs_request_targets(devices=Device.objects.filter(current_release="17.3.8a"))
    assert [job.state for job in result.jobs] == [JobState.STORED] and result.jobs[0].stored_image == stored
    fleet["17.12.4"].images.exclude(name=TARGET).delete()
    fleet["17.12.4"].images.filter(name=TARGET).update(name="../../escape.bin")
    recommendations_recompute()
    result = download_jobs_request_targets(devices=Device.objects.all())
    assert result.jobs == () and result.refused[0][0] == "../../escape.bin"
    assert result.refused[0][1].startswith("image name refused:")


def _messages(response) -> list[str]:
    """The messages this response added (each request's own: earlier ones were read by the redirect's page)."""
    found = [str(m) for m in get_messages(response.wsgi_request)]
    response.client.get("/downloads/")  # shows and so consumes them
    return found


def test_the_page_message_links_to_the_jobs_in_plain_words(client, engineer, fleet):
    client.force_login(engineer)
    response = client.post(
        "/catalog/fleet/download/", {"all_matching": "1", "query": "status=upgrade_available", "next": "/devices/"}
    )
    assert response.status_code == 302 and response["Location"] == "/devices/"
    job = DownloadJob.objects.get()
    assert (job.image_name, job.source, job.requested_by) == (TARGET, JobSource.FLEET, engineer)
    assert _messages(response) == [
        f'1 download requested for 4 devices: <a href="/downloads/jobs/{job.pk}/">job {job.pk}</a> ({TARGET}).'
    ]
    one = Device.objects.get(pid="NOT-IN-CATALOG")
    response = client.post("/catalog/fleet/download/", {"device": [one.pk]})
    assert _messages(response) == ["0 downloads requested for 1 device. 1 device has no target image."]
    response = client.post("/catalog/fleet/download/", {})
    assert _messages(response) == ["Select devices first."]


def test_the_device_list_form_posts_to_the_fleet_download(client, engineer, fleet):
    client.force_login(engineer)
    page = client.get("/devices/").content.decode()
    assert re.search(r'<form method="post" action="/catalog/fleet/download/" id="fleet-form">', page)


def test_the_api_answers_202_with_each_job_and_its_url(api_as, engineer, officer, fleet, settings):
    settings.PORTAL_BASE_URL = "https://depot.example.net"
    body = {"filters": {"status": "upgrade_available"}}
    response = api_as(engineer).post("/api/v1/catalog/fleet/download/", body, format="json")
    assert response.status_code == 202, response.content
    job = DownloadJob.objects.get()
    assert response.json() == {
        "jobs": [
            {
                "image_name": TARGET,
                "job_id": job.pk,
                "url": f"https://depot.example.net/api/v1/downloads/jobs/{job.pk}/",
                "display": f"#{job.pk} {TARGET}",
                "state": "queued",
            }
        ],
        "refused": [],
        "devices": 4,
        "without_target": 0,
    }
    assert job.source == JobSource.API
    assert api_as(engineer).post("/api/v1/catalog/fleet/download/", {}, format="json").status_code == 400
    assert api_as(officer).post("/api/v1/catalog/fleet/download/", body, format="json").status_code == 403


def test_the_schema_promises_no_503_for_the_fleet_download(api_as, engineer):
    schema = api_as(engineer).get("/api/schema/?format=json").json()
    answers = schema["paths"]["/api/v1/catalog/fleet/download/"]["post"]["responses"]
    assert set(answers) == {"202", "400", "401", "403"}


def test_the_message_shows_as_a_link_on_the_next_page(client, engineer, fleet):
    client.force_login(engineer)
    page = client.post(
        "/catalog/fleet/download/", {"all_matching": "1", "query": "", "next": "/downloads/"}, follow=True
    ).content.decode()
    job = DownloadJob.objects.get()
    assert f'<a href="/downloads/jobs/{job.pk}/">job {job.pk}</a>' in page
    assert "1 download requested for 6 devices" in page and "1 device has no target image." in page
