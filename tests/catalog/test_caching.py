"""Release lists cached per catalog generation (portal.catalog.caching): every writer of catalog rows starts a new
generation, so a page or an API list read before a change shows the change after it, and a list read twice in one
generation is read from the cache, unchanged."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.catalog.caching import CATALOG, catalog_generation_next
from portal.catalog.models import Image, Release
from portal.catalog.services.families import image_families_sync_pids
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from portal.core.counts import generation
from tests.factories_inventory import DeviceFactory, catalog_of, save_device

pytestmark = pytest.mark.django_db

PID = "C9300-24P"
PRODUCT_RELEASES = f"/api/v1/catalog/products/{PID}/releases/?page_size=500"


def _versions(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [release["version"] for release in answer.json()["results"]]


@pytest.fixture
def device():
    catalog_of(PID, [("16.12.1",), ("17.3.8a",)])
    return DeviceFactory(pid=PID, current_release="16.12.1", running_image="cat9k_iosxe.16.12.01.SPA.bin")


def test_a_refresh_shows_on_pages_and_lists_read_before_it(upstream, device, client, engineer, api_as):
    api = api_as(engineer)
    client.force_login(engineer)
    assert _versions(api.get(PRODUCT_RELEASES)) == ["17.3.8a", "16.12.1"]
    assert _versions(api.get(f"/api/v1/devices/{device.pk}/releases/")) == ["17.3.8a"]
    assert client.get(f"/devices/{device.pk}/").content.count(b"data-version=") == 1

    refresh, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=refresh.pk)  # the upstream's answer, stored in bulk

    stored = list(Release.objects.filter(product__pid=PID).order_by("-sort_key").values_list("version", flat=True))
    assert len(stored) > 2
    assert _versions(api.get(PRODUCT_RELEASES)) == stored
    above = [version for version in stored if version != "16.12.1"]
    assert _versions(api.get(f"/api/v1/devices/{device.pk}/releases/")) == above
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert page.count("data-version=") == len(above) and f'data-version="{above[0]}"' in page
    assert f'data-version="{above[0]}"'.encode() in client.get(f"/catalog/products/{PID}/").content


def test_a_standard_set_and_removed_shows_at_once(device, client, engineer, api_as):
    api = api_as(engineer)
    client.force_login(engineer)
    release = Release.objects.get(product__pid=PID, version="17.3.8a")
    assert b"standard \xc2\xb7" not in client.get(f"/devices/{device.pk}/").content
    assert api.get(PRODUCT_RELEASES).json()["results"][0]["standards"] == []

    created = api.post("/api/v1/catalog/standards/", {"release": release.pk, "site": "lab"}, format="json")
    assert created.status_code == 201, created.content

    assert [s["id"] for s in api.get(PRODUCT_RELEASES).json()["results"][0]["standards"]] == [created.json()["id"]]
    assert "standard · C9300-24P, site lab" in client.get(f"/devices/{device.pk}/").content.decode()
    assert api.delete(f"/api/v1/catalog/standards/{created.json()['id']}/").status_code == 204
    assert api.get(PRODUCT_RELEASES).json()["results"][0]["standards"] == []
    assert b"standard \xc2\xb7" not in client.get(f"/devices/{device.pk}/").content


def test_a_row_saved_or_deleted_through_the_orm_starts_a_new_generation(device, engineer, api_as):
    """What the admin and the look-ups do: a save or delete of one row."""
    api = api_as(engineer)
    first = api.get(PRODUCT_RELEASES).json()["results"]
    assert [r["is_suggested"] for r in first] == [False, False] and len(first[0]["images"]) == 1

    release = Release.objects.get(product__pid=PID, version="17.3.8a")
    release.is_suggested = True
    release.save()
    assert [r["is_suggested"] for r in api.get(PRODUCT_RELEASES).json()["results"]] == [True, False]

    Image.objects.get(release=release).delete()
    assert api.get(PRODUCT_RELEASES).json()["results"][0]["images"] == []


def test_image_families_synced_in_bulk_show_in_the_standard_form(device, client, engineer):
    client.force_login(engineer)
    assert b"every PID of the" not in client.get(f"/catalog/products/{PID}/").content

    image_families_sync_pids(pids=[PID])  # bulk writes: no row signals

    assert b"every PID of the" in client.get(f"/catalog/products/{PID}/").content


def test_a_list_read_twice_in_a_generation_is_the_same_and_reads_no_catalog_rows(device, engineer, api_as):
    api = api_as(engineer)
    urls = [PRODUCT_RELEASES, f"/api/v1/devices/{device.pk}/releases/?all=true"]
    first = [api.get(url).json() for url in urls]
    with CaptureQueriesContext(connection) as queries:
        second = [api.get(url).json() for url in urls]

    assert second == first
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "catalog_release" not in read and "catalog_image" not in read


def test_a_cached_list_keeps_each_hosts_links(device, engineer, api_as, settings):
    settings.ALLOWED_HOSTS = ["depot-a.example", "depot-b.example"]
    api = api_as(engineer)
    a = api.get(PRODUCT_RELEASES, HTTP_HOST="depot-a.example").json()["results"][0]["url"]
    b = api.get(PRODUCT_RELEASES, HTTP_HOST="depot-b.example").json()["results"][0]["url"]
    assert a.startswith("http://depot-a.example/") and b.startswith("http://depot-b.example/")


def test_a_device_moved_to_another_release_gets_its_own_list(device, engineer, api_as):
    api = api_as(engineer)
    assert _versions(api.get(f"/api/v1/devices/{device.pk}/releases/")) == ["17.3.8a"]
    api.patch(f"/api/v1/devices/{device.pk}/", {"current_release": "17.3.8a"}, format="json")
    assert _versions(api.get(f"/api/v1/devices/{device.pk}/releases/")) == []


def test_the_generation_starts_again_when_the_writer_commits(django_capture_on_commit_callbacks):
    """At once (the writer's own later reads see its rows) and at the commit (a reader that met the first token
    before the rows were committed cached what it saw under a token nobody reads any more)."""
    before = generation(CATALOG)
    with django_capture_on_commit_callbacks(execute=True):
        catalog_generation_next()
        during = generation(CATALOG)
    after = generation(CATALOG)
    assert len({before, during, after}) == 3


def test_a_cached_release_table_carries_each_sessions_own_csrf_token(device, engineer, django_user_model):
    """The table is rendered once and shared; its forms must still post for another engineer's session."""
    from django.contrib.auth.models import Group
    from django.test import Client

    from portal.accounts.roles import ENGINEERS

    other = django_user_model.objects.create_user(username="eng2", password="pw-eng2")
    other.groups.add(Group.objects.get(name=ENGINEERS))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(engineer)
    second.force_login(other)
    assert b"Download" in first.get(f"/catalog/products/{PID}/").content  # renders and caches the table

    page = second.get(f"/catalog/products/{PID}/").content.decode()
    table = page.split('id="release-table"')[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', table).group(1)
    assert "release-table-csrf" not in page  # the placeholder the table is cached with
    release = Release.objects.get(product__pid=PID, version="17.3.8a")
    marked = second.post(
        "/catalog/standards/new/", {"csrfmiddlewaretoken": token, "release": release.pk, "site": "lab", "role": ""}
    )
    assert marked.status_code == 302, marked.content[:300]
    assert release.standards.get().site == "lab"


def test_each_device_page_marks_its_own_current_release_and_the_users_rights(device, client, officer, engineer):
    other = DeviceFactory(pid=PID, current_release="17.3.8a", running_image="cat9k_iosxe.17.03.08a.SPA.bin")
    client.force_login(engineer)
    for shown in (device, other, device):
        page = client.get(f"/devices/{shown.pk}/?all=on").content.decode()
        current = re.findall(r'class="release[^"]*is-current[^"]*" data-version="([^"]+)"', page)
        assert current == [shown.current_release]
        assert 'class="secondary">Download</button>' in page

    client.force_login(officer)  # may read releases, may not request downloads or set standards
    page = client.get(f"/devices/{device.pk}/?all=on").content.decode()
    assert 'data-version="17.3.8a"' in page
    assert "Download</button>" not in page and "Mark standard" not in page


def test_device_counts_in_a_cached_table_follow_the_fleet(device, client, engineer):
    client.force_login(engineer)

    def devices_on(version: str) -> str:
        page = client.get(f"/catalog/products/{PID}/").content.decode()
        row = page.split(f'data-version="{version}"')[1].split("</tr>")[0]
        return re.findall(r'<td class="right">(\d+)</td>', row)[0]

    assert devices_on("16.12.1") == "1"
    save_device(hostname="sw-new", pid=PID, current_release="16.12.1")  # through the inventory service
    assert devices_on("16.12.1") == "2"
