"""Downloading the target images of many devices: the catalog says which images they want, downloads writes one
job per distinct image; the page's message links to the jobs, the API answers with their URLs."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages

from downloads.choices import JobSource, JobState, SkipReason
from downloads.models import DownloadJob
from downloads.services import FleetDownloadSkip, download_jobs_request_targets
from portal.catalog.models import Image
from portal.catalog.selectors import fleet_targets
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
    assert (result.devices, result.without_target, result.refused, result.skipped) == (6, 1, (), ())
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


def _memory(devices, *megabytes: int | None) -> None:
    """Give the target image a published minimum of 8 GB of DRAM and ``devices`` these memory figures (in order),
    then let the recommendations judge the fit."""
    Image.objects.filter(name=TARGET).update(min_dram="8192")
    for device, memory_mb in zip(devices, megabytes, strict=True):
        Device.objects.filter(pk=device.pk).update(memory_mb=memory_mb)
    recommendations_recompute()


def test_an_image_too_small_for_every_device_that_wants_it_is_skipped_and_no_job_written(
    fleet, django_capture_on_commit_callbacks
):
    asking = Device.objects.filter(current_release="17.3.8a", pid="C9300-24P").order_by("pk")
    _memory(asking, 4096, 4096, 2048, 4096)
    with django_capture_on_commit_callbacks() as enqueued:
        result = download_jobs_request_targets(devices=asking)
    assert result.skipped == (FleetDownloadSkip(TARGET, SkipReason.TOO_SMALL, 4),)
    assert (result.jobs, result.refused, result.devices, result.without_target) == ((), (), 4, 0)
    assert not DownloadJob.objects.exists() and enqueued == []


def test_one_device_whose_fit_is_unknown_is_enough_to_request_the_image(fleet):
    small, unknown, *_ = Device.objects.filter(current_release="17.3.8a", pid="C9300-24P").order_by("pk")
    _memory([small, unknown], 4096, None)
    result = download_jobs_request_targets(devices=Device.objects.filter(pk__in=[small.pk, unknown.pk]))
    assert [job.image_name for job in result.jobs] == [TARGET] and result.skipped == ()
    assert DownloadJob.objects.get().image_name == TARGET


def test_fleet_targets_count_the_fit_of_the_devices_wanting_each_image(fleet):
    small, fitting, *_ = Device.objects.filter(current_release="17.3.8a", pid="C9300-24P").order_by("pk")
    _memory([small, fitting], 4096, 8192)
    (image,) = fleet_targets(Device.objects.all()).images
    # The device that runs the target already fits it; the two left without a figure may or may not.
    assert (image.name, image.fits, image.too_small, image.unknown, image.devices) == (TARGET, 2, 1, 2, 5)
    assert not image.fits_none
    (only_small,) = fleet_targets(Device.objects.filter(pk=small.pk)).images
    assert only_small.fits_none and only_small.too_small == only_small.devices == 1


@pytest.mark.parametrize("more", [0, 30])
def test_fleet_targets_take_three_queries_whatever_the_number_of_devices(fleet, more, django_assert_num_queries):
    catalog_of("C9200-24P", ROWS, image="cat9k_lite_iosxe.{}.SPA.bin")
    for i in range(more):
        memory_mb = 4096 if i % 3 == 1 else None
        DeviceFactory(pid=("C9300-24P", "C9200-24P")[i % 2], current_release="17.3.8a", memory_mb=memory_mb)
    recommendations_recompute()
    with django_assert_num_queries(3):
        targets = fleet_targets(Device.objects.all())
    assert len(targets.images) == (2 if more else 1)
    assert sum(image.devices for image in targets.images) == 5 + more


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


def test_the_page_message_says_how_many_images_were_skipped_and_why(client, engineer, fleet):
    asking = Device.objects.filter(current_release="17.3.8a", pid="C9300-24P").order_by("pk")
    _memory(asking, 4096, 4096, 4096, 4096)
    client.force_login(engineer)
    response = client.post("/catalog/fleet/download/", {"device": [device.pk for device in asking]})
    assert not DownloadJob.objects.exists()
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        (
            "warning",
            "0 downloads requested for 4 devices. "
            "1 image skipped: it fits none of its devices (memory or flash too small).",
        )
    ]


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
        "skipped": [],
        "devices": 4,
        "without_target": 0,
    }
    assert job.source == JobSource.API
    assert api_as(engineer).post("/api/v1/catalog/fleet/download/", {}, format="json").status_code == 400
    assert api_as(officer).post("/api/v1/catalog/fleet/download/", body, format="json").status_code == 403


def test_the_api_lists_the_images_it_skipped_beside_the_jobs(api_as, engineer, fleet):
    asking = Device.objects.filter(current_release="17.3.8a", pid="C9300-24P").order_by("pk")
    _memory(asking, 4096, 4096, 4096, 4096)
    body = {"device_ids": [device.pk for device in asking]}
    response = api_as(engineer).post("/api/v1/catalog/fleet/download/", body, format="json")
    assert response.status_code == 202, response.content
    assert response.json() == {
        "jobs": [],
        "refused": [],
        "skipped": [{"image_name": TARGET, "reason": "too_small", "devices": 4}],
        "devices": 4,
        "without_target": 0,
    }
    assert not DownloadJob.objects.exists()


def test_the_schema_names_the_skipped_images_shape(api_as, engineer):
    components = api_as(engineer).get("/api/schema/?format=json").json()["components"]["schemas"]
    assert components["FleetDownloadResult"]["properties"]["skipped"]["items"]["$ref"].endswith("/FleetDownloadSkip")
    skip = components["FleetDownloadSkip"]
    assert set(skip["properties"]) == {"image_name", "reason", "devices"}
    assert components["FleetDownloadSkipReasonEnum"]["enum"] == ["too_small"]


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
