"""Catalog pages: release browser (order, flags, filters, buttons), standards, dashboard, refresh, look-ups."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from portal.catalog.models import ImageStatus, Recommendation, StandardRelease
from portal.catalog.services.recommendations import recommendations_recompute
from portal.inventory.models import Device
from portal.inventory.services.devices import device_delete
from tests.factories_inventory import DeviceFactory, SoftwareTypeFactory, catalog_of

pytestmark = pytest.mark.django_db

ROWS = [
    ("16.12.10a",),
    ("17.3.8a", "suggested"),
    ("17.9.1", "deferred", "deleted"),
    ("17.9.4", "psirt"),
    ("17.9.4a", "suggested"),
    ("17.12.4", "suggested"),
    ("17.15.1",),
]


@pytest.fixture
def releases():
    return catalog_of("C9300-24P", ROWS)


def _versions(response) -> list[str]:
    return [r.version for r in response.context["releases"]]


def test_release_browser_in_cisco_order_with_flags(client, engineer, releases):
    DeviceFactory.create_batch(3, current_release="17.9.4")
    client.force_login(engineer)
    response = client.get("/catalog/products/C9300-24P/")
    assert _versions(response) == ["17.15.1", "17.12.4", "17.9.4a", "17.9.4", "17.9.1", "17.3.8a", "16.12.10a"]
    text = response.content.decode()
    assert text.count('title="suggested"') == 3
    assert "PSIRT" in text and "deferred" in text and "deleted" in text
    by_version = {r.version: r for r in response.context["releases"]}
    assert by_version["17.9.4"].devices_on == 3
    image = releases["17.12.4"].images.get()
    assert image.md5 in text and image.sha512 in text and "K9 crypto" in text


def test_release_filters(client, engineer, releases):
    client.force_login(engineer)
    assert _versions(client.get("/catalog/products/C9300-24P/?above=17.9.4")) == ["17.15.1", "17.12.4", "17.9.4a"]
    assert _versions(client.get("/catalog/products/C9300-24P/?suggested=on")) == ["17.12.4", "17.9.4a", "17.3.8a"]
    other = SoftwareTypeFactory(type_id="999", name="ROMMON")
    catalog_of("C9300-24P", [("17.1.1r",)], type_id="999", type_name="ROMMON", image="rommon.{}.pkg")
    assert _versions(client.get(f"/catalog/products/C9300-24P/?software_type={other.pk}")) == ["17.1.1r"]
    assert "17.9.1" not in _versions(client.get("/catalog/products/C9300-24P/?hide_deleted=on"))


def test_download_buttons_only_for_who_may_request_downloads(client, officer, releases):
    client.force_login(officer)  # may see releases, may not request downloads
    assert "image_guid" not in client.get("/catalog/products/C9300-24P/").content.decode()
    officer.user_permissions.add(*_perm("downloads", "add_downloadjob"))
    text = client.get("/catalog/products/C9300-24P/").content.decode()
    image = releases["17.12.4"].images.get()
    assert 'action="/downloads/request/"' in text
    assert f'name="image_guid" value="{image.guid}"' in text and 'name="mdf_id" value="286313982"' in text


def _perm(app: str, codename: str):
    from django.contrib.auth.models import Permission

    return list(Permission.objects.filter(content_type__app_label=app, codename=codename))


def test_mark_standard_from_the_release_browser(client, engineer, releases):
    device = DeviceFactory(current_release="17.3.8a", site="ber1")
    recommendations_recompute()
    client.force_login(engineer)
    next_url = f"/devices/{device.pk}/"
    response = client.post(
        "/catalog/standards/new/", {"release": releases["17.9.4a"].pk, "site": "ber1", "role": "", "next": next_url}
    )
    assert response.status_code == 302 and response.url == next_url
    standard = StandardRelease.objects.get()
    assert (standard.site, standard.role, standard.created_by) == ("ber1", "", engineer)
    rec = Recommendation.objects.get(device=device)
    assert rec.target_release.version == "17.9.4a" and rec.reason == "standard"
    listing = client.get("/catalog/standards/").content.decode()
    assert "site ber1" in listing and "17.9.4a" in listing
    client.post(f"/catalog/standards/{standard.pk}/delete/")
    assert not StandardRelease.objects.exists()
    assert Recommendation.objects.get(device=device).target_release.version == "17.12.4"


def test_deferred_release_cannot_become_standard(client, engineer, releases):
    client.force_login(engineer)
    response = client.post("/catalog/standards/new/", {"release": releases["17.9.1"].pk}, follow=True)
    assert "cannot be a standard" in response.content.decode()
    assert not StandardRelease.objects.exists()


def test_open_redirect_is_refused(client, engineer, releases):
    client.force_login(engineer)
    response = client.post(
        "/catalog/standards/new/", {"release": releases["17.9.4a"].pk, "next": "https://evil.example/"}
    )
    assert response.url == "/catalog/standards/"


def test_dashboard_counts_drill_down_chart_and_export(client, engineer, releases):
    StandardReleaseFactory = __import__("tests.factories_inventory", fromlist=["x"]).StandardReleaseFactory
    StandardReleaseFactory(release=releases["17.9.4a"], site="ber1")
    DeviceFactory.create_batch(2, current_release="17.9.4a", site="ber1")  # on standard
    DeviceFactory.create_batch(3, current_release="17.9.4", site="lon1")  # upgrade, PSIRT
    DeviceFactory(current_release="17.9.1", running_image="cat9k_iosxe.17.9.1.SPA.bin", site="lon1")  # deleted
    DeviceFactory(pid="UNKNOWN-PID", site="lon1")
    recommendations_recompute()
    client.force_login(engineer)
    response = client.get("/dashboard/")
    counts = {t["key"]: t["count"] for t in response.context["tiles"]}
    assert response.context["total"] == 7 and '<span class="muted count" id="fleet-total">7 devices</span>' in (
        response.content.decode()
    )
    assert counts["on_standard"] == 2 and counts["upgrade_available"] == 4 and counts["psirt"] == 3
    assert counts["running_deleted"] == 1 and counts["running_deferred"] == 1 and counts["no_catalog"] == 1
    text = response.content.decode()
    assert 'href="/devices/?status=upgrade_available"' in text
    chart = json.loads(
        re.search(r'<script id="fleet-chart-data" type="application/json">(.*?)</script>', text).group(1)
    )
    assert chart["labels"] == ["IOS XE"] and sum(sum(d["data"]) for d in chart["datasets"]) == 7
    assert "chart-4.6.1.umd.min.js" in text and "<script>" not in text  # no inline script (CSP)
    drill = client.get("/devices/?status=on_standard")
    assert drill.context["page"].paginator.count == 2
    export = client.get("/dashboard/export.csv?status=psirt")
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 3 and rows[0]["target_release"] == "17.12.4" and rows[0]["psirt"] == "yes"


def test_refresh_page_and_htmx_progress_fragment(client, engineer):
    from portal.catalog.services.refresh import catalog_refresh_start

    DeviceFactory()
    refresh, _ = catalog_refresh_start(enqueue=False)
    client.force_login(engineer)
    page = client.get("/catalog/refresh/").content.decode()
    assert f'hx-get="/catalog/refresh/{refresh.pk}/progress/"' in page and 'hx-trigger="every 1s"' in page
    fragment = client.get(f"/catalog/refresh/{refresh.pk}/progress/").content.decode()
    assert '<progress max="1" value="0"' in fragment and "<strong>0</strong> of 1 pair (" in fragment


def test_refresh_start_button(client, engineer, settings):
    DeviceFactory()
    client.force_login(engineer)
    response = client.post("/catalog/refresh/start/", follow=True)
    assert "started over 1 (PID, release) pair." in response.content.decode()


def test_navigation_links_for_engineers(client, engineer):
    client.force_login(engineer)
    text = client.get("/").content.decode()
    for href in ("/devices/", "/catalog/", "/dashboard/", "/catalog/refresh/", "/catalog/standards/"):
        assert f'href="{href}"' in text


def test_image_search_and_status_against_the_simulator(client, engineer, upstream):
    client.force_login(engineer)
    search = client.post(
        "/catalog/images/",
        {"search-pid": "C9300-24P", "search-names": "cat9k_iosxe.17.09.04a.SPA.bin no-such-image.bin"},
    )
    result = search.context["search"]
    assert [r.version for r in result.releases] == ["17.9.4a"]
    assert result.invalid_images == ("no-such-image.bin",)
    status = client.post(
        "/catalog/images/", {"status-names": "cat9k_iosxe.17.09.01.SPA.bin cat9k_iosxe.17.09.05.SPA.bin"}
    )
    rows = {s.name: s for s in status.context["statuses"]}
    assert rows["cat9k_iosxe.17.09.01.SPA.bin"].is_deleted is True
    assert rows["cat9k_iosxe.17.09.05.SPA.bin"].is_deleted is False
    assert ImageStatus.objects.count() == 2


def test_status_check_feeds_the_running_image_flags(client, engineer, upstream):
    catalog_of("C9300-24P", [("17.12.4", "suggested")])
    device = DeviceFactory(current_release="17.9.1", running_image="cat9k_iosxe.17.09.01.SPA.bin")
    recommendations_recompute()
    assert Recommendation.objects.get(device=device).running_deleted is False  # unknown until asked
    client.force_login(engineer)
    client.post("/catalog/images/", {"status-names": device.running_image})
    assert Recommendation.objects.get(device=device).running_deleted is True


def test_upstream_error_becomes_a_message(client, engineer, upstream):
    upstream.sim.fault("metadata/images", kind="status", status=400, count=5)
    client.force_login(engineer)
    response = client.post("/catalog/images/", {"status-names": "x.bin"}, follow=True)
    assert response.status_code == 200
    assert (
        "The upstream answered: Request does not conform to HTTP protocol. (Bad Request)" in response.content.decode()
    )


def test_cached_fleet_summary_follows_every_change(client, engineer, releases):
    DeviceFactory.create_batch(2, current_release="17.3.8a")
    recommendations_recompute()
    client.force_login(engineer)

    def upgrades() -> int:
        return {t["key"]: t["count"] for t in client.get("/dashboard/").context["tiles"]}["upgrade_available"]

    assert upgrades() == 2
    assert upgrades() == 2  # from the cache
    device_delete(device=Device.objects.first())  # the service starts a new generation
    assert upgrades() == 1
    client.post(
        "/devices/new/", {"hostname": "x1", "pid": "C9300-24P", "current_release": "17.3.8a", "os_family": "ios_xe"}
    )
    assert upgrades() == 2
    client.post("/catalog/standards/new/", {"release": releases["17.3.8a"].pk})
    assert upgrades() == 0


def test_one_device_is_one_device(client, engineer):
    DeviceFactory()
    client.force_login(engineer)
    assert '<span class="muted count" id="fleet-total">1 device</span>' in client.get("/dashboard/").content.decode()
