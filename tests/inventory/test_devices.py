"""Device list (filters, search, sort, pages, CSV export), detail, create/edit/delete, admin and the API."""

from __future__ import annotations

import csv
import io

import pytest

from portal.catalog.services.recommendations import recommendations_recompute
from portal.inventory.models import Device
from portal.inventory.services.devices import device_delete, devices_delete
from portal.inventory.services.imports import devices_import_csv
from tests.factories_inventory import DeviceFactory, catalog_of, save_device

pytestmark = pytest.mark.django_db


def _hostnames(response) -> list[str]:
    return [d.hostname for d in response.context["page"].object_list]


@pytest.fixture
def fleet():
    catalog_of("C9300-24P", [("17.3.8a", "suggested"), ("17.9.4", "psirt"), ("17.12.4", "suggested")])
    DeviceFactory(hostname="ber-core-1", site="ber1", role="core", current_release="17.12.4", serial="SNX1")
    DeviceFactory(hostname="ber-acc-1", site="ber1", role="access", current_release="17.3.8a")
    DeviceFactory(hostname="lon-acc-1", site="lon1", role="access", current_release="17.9.4")
    nexus = DeviceFactory(
        hostname="ams-leaf-1", pid="N9K-C93180YC-FX", current_release="9.3(10)", os_family="nx_os", site="ams1"
    )
    nexus.tags.create(name="pci")
    recommendations_recompute()


def test_list_filters_search_and_sort(client, engineer, fleet):
    client.force_login(engineer)
    assert _hostnames(client.get("/devices/")) == ["ams-leaf-1", "ber-acc-1", "ber-core-1", "lon-acc-1"]
    assert _hostnames(client.get("/devices/?site=ber1&role=access")) == ["ber-acc-1"]
    assert _hostnames(client.get("/devices/?q=CORE")) == ["ber-core-1"]
    assert _hostnames(client.get("/devices/?serial=snx1")) == ["ber-core-1"]
    assert _hostnames(client.get("/devices/?tag=pci")) == ["ams-leaf-1"]
    assert _hostnames(client.get("/devices/?os_family=nx_os")) == ["ams-leaf-1"]
    assert _hostnames(client.get("/devices/?status=upgrade_available")) == ["ber-acc-1", "lon-acc-1"]
    assert _hostnames(client.get("/devices/?status=psirt")) == ["lon-acc-1"]
    assert _hostnames(client.get("/devices/?status=no_catalog")) == ["ams-leaf-1"]
    # Cisco order, not text order: 9.3(10) < 17.3.8a < 17.9.4 < 17.12.4
    by_release = _hostnames(client.get("/devices/?ordering=current_release"))
    assert by_release == ["ams-leaf-1", "ber-acc-1", "lon-acc-1", "ber-core-1"]
    assert _hostnames(client.get("/devices/?ordering=-current_release"))[0] == "ber-core-1"


def test_list_pages(client, engineer):
    DeviceFactory.create_batch(120)
    client.force_login(engineer)
    first = client.get("/devices/")
    assert len(first.context["page"].object_list) == 50 and first.context["page"].paginator.num_pages == 3
    last = client.get("/devices/?page=3")
    assert len(last.context["page"].object_list) == 20


def test_export_csv_of_the_filtered_list_imports_back(client, engineer, fleet):
    client.force_login(engineer)
    response = client.get("/devices/export.csv?site=ber1")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["hostname"] for r in rows] == ["ber-acc-1", "ber-core-1"]
    assert rows[0]["target_release"] == "17.12.4"
    Device.objects.all().delete()
    result = devices_import_csv(file=text)
    assert result.imported and result.created == 2 and any("target_release" in w for w in result.warnings)


def test_detail_shows_facts_recommendation_and_releases(client, engineer, fleet):
    client.force_login(engineer)
    device = Device.objects.get(hostname="ber-acc-1")
    response = client.get(f"/devices/{device.pk}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "17.12.4 is the newest suggested release above 17.3.8a." in text
    versions = [r.version for r in response.context["releases"]]
    assert versions == ["17.12.4", "17.9.4"]  # above the current release, newest first
    everything = client.get(f"/devices/{device.pk}/?all=on")
    assert [r.version for r in everything.context["releases"]] == ["17.12.4", "17.9.4", "17.3.8a"]


def test_create_edit_delete_pages(client, engineer):
    client.force_login(engineer)
    response = client.post(
        "/devices/new/",
        {
            "hostname": "new-sw",
            "pid": "C9300-24P",
            "current_release": "17.9.4",
            "os_family": "ios_xe",
            "tags": "a, b",
        },
    )
    device = Device.objects.get(hostname="new-sw")
    assert response.status_code == 302 and sorted(device.tags.values_list("name", flat=True)) == ["a", "b"]
    assert hasattr(device, "recommendation")
    bad = client.post("/devices/new/", {"hostname": "new-sw", "pid": "C9300-24P", "os_family": "ios_xe"})
    assert bad.status_code == 200 and "a device named new-sw exists already" in bad.content.decode()
    client.post(
        f"/devices/{device.pk}/edit/",
        {
            "hostname": "new-sw",
            "pid": "C9300-24P",
            "current_release": "17.12.4",
            "os_family": "ios_xe",
            "tags": "",
        },
    )
    device.refresh_from_db()
    assert device.current_release == "17.12.4" and device.tags.count() == 0
    assert client.post(f"/devices/{device.pk}/delete/").status_code == 302
    assert not Device.objects.exists()


def test_officer_reads_but_cannot_change(client, officer, fleet):
    client.force_login(officer)
    device = Device.objects.first()
    assert client.get("/devices/").status_code == 200
    assert client.get(f"/devices/{device.pk}/edit/").status_code == 403
    assert client.post(f"/devices/{device.pk}/delete/").status_code == 403
    assert client.get("/devices/new/").status_code == 403


def test_user_without_role_sees_nothing(client, nobody):
    client.force_login(nobody)
    assert client.get("/devices/").status_code == 403


def test_admin_pages(client, administrator, fleet):
    client.force_login(administrator)
    device = Device.objects.first()
    for url in ["/admin/inventory/device/", f"/admin/inventory/device/{device.pk}/change/", "/admin/catalog/release/"]:
        assert client.get(url).status_code == 200, url


def test_api_crud_and_filters(api_as, engineer, fleet):
    api = api_as(engineer)
    listing = api.get("/api/v1/devices/?site=ber1&ordering=-current_release").json()
    assert [d["hostname"] for d in listing["results"]] == ["ber-core-1", "ber-acc-1"]
    assert listing["results"][1]["recommendation"]["target_release"] == "17.12.4"
    created = api.post(
        "/api/v1/devices/", {"hostname": "api-sw", "pid": "C9300-24P", "current_release": "17.3.8a", "tags": ["x"]}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["tags"] == ["x"] and body["source"] == "api" and body["recommendation"]["target_release"] == "17.12.4"
    duplicate = api.post("/api/v1/devices/", {"hostname": "api-sw", "pid": "C9300-24P"})
    assert duplicate.status_code == 400 and duplicate.json()["code"] == "invalid_input"
    patched = api.patch(f"/api/v1/devices/{body['id']}/", {"site": "par1"})
    assert patched.status_code == 200 and patched.json()["site"] == "par1" and patched.json()["tags"] == ["x"]
    assert api.delete(f"/api/v1/devices/{body['id']}/").status_code == 204
    export = api.get("/api/v1/devices/export/?status=psirt")
    assert b"lon-acc-1" in b"".join(export.streaming_content)


def test_api_needs_permissions(api_as, officer, nobody):
    assert api_as(officer).get("/api/v1/devices/").status_code == 200
    assert api_as(officer).post("/api/v1/devices/", {"hostname": "x", "pid": "y"}).status_code == 403
    assert api_as(nobody).get("/api/v1/devices/").status_code == 403


def test_list_counts_follow_changes_although_cached(client, engineer):
    DeviceFactory.create_batch(3, site="ber1")
    client.force_login(engineer)

    def total() -> int:
        return client.get("/devices/?site=ber1").context["page"].paginator.count

    assert total() == 3
    assert total() == 3
    save_device(hostname="sw-new", pid="C9300-24P", site="ber1")
    assert total() == 4
    device_delete(device=Device.objects.filter(site="ber1").first())
    assert total() == 3
    devices_delete(device_ids=list(Device.objects.filter(site="ber1").values_list("pk", flat=True)[:1]))
    assert total() == 2
    devices_import_csv(file="hostname,pid,site\nnew-1,C9300-24P,ber1\nnew-2,C9300-24P,ber1\n")
    assert total() == 4


def test_admin_delete_and_edit_go_through_the_services(client, administrator, fleet):
    client.force_login(administrator)
    device = Device.objects.get(hostname="ber-acc-1")
    response = client.post(
        "/admin/inventory/device/",
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Device.objects.filter(pk=device.pk).exists()


def test_admin_form_applies_the_same_rules(client, administrator):
    client.force_login(administrator)
    base = {"hostname": "adm-1", "pid": "C9300-24P", "current_release": "17.09.04a", "os_family": "ios_xe",
            "source": "manual"}  # fmt: skip
    refused = client.post("/admin/inventory/device/add/", {**base, "hostname": "<img src=x onerror=alert(1)>a"})
    assert refused.status_code == 200 and not Device.objects.exists()
    assert "letters, digits" in " ".join(refused.context["adminform"].form.errors["hostname"])
    assert client.post("/admin/inventory/device/add/", base).status_code == 302
    device = Device.objects.get()
    assert device.current_release == "17.9.4a" and hasattr(device, "recommendation")


def test_tags_read_the_same_in_code_point_order_by_every_reader(client, api_as, engineer, fleet):
    """The list page, the detail page, the API (list and detail), the model and the CSV export read a device's tags
    in one order (code point: uppercase before lowercase, "a-z" before "ab"), and a device without tags has none."""
    tagged, bare = Device.objects.get(hostname="ber-core-1"), Device.objects.get(hostname="ber-acc-1")
    tagged.tags.clear()
    bare.tags.clear()
    for name in ["ab", "Zeta", "a-z", "core"]:
        tagged.tags.create(name=name)
    expected = ["Zeta", "a-z", "ab", "core"]
    assert tagged.tag_names == expected and bare.tag_names == []

    api = api_as(engineer)
    rows = {d["hostname"]: d["tags"] for d in api.get("/api/v1/devices/?site=ber1").json()["results"]}
    assert rows == {"ber-core-1": expected, "ber-acc-1": []}
    assert api.get(f"/api/v1/devices/{tagged.pk}/").json()["tags"] == expected

    client.force_login(engineer)
    listed = {d.hostname: d.tag_names for d in client.get("/devices/?site=ber1").context["page"].object_list}
    assert listed == {"ber-core-1": expected, "ber-acc-1": []}
    assert client.get(f"/devices/{tagged.pk}/").context["device"].tag_names == expected
    exported = list(csv.DictReader(io.StringIO(b"".join(client.get("/devices/export.csv").streaming_content).decode())))
    assert {row["hostname"]: row["tags"] for row in exported}["ber-core-1"] == ";".join(expected)
