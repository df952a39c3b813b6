"""The API's shared rules beyond lists: choices by label, strict releases, yes/no and sorting, paged device releases,
url and display on objects that are not in lists, JSON 404/405 anywhere under /api/, and a readable schema."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compliance.choices import FormKind
from portal.catalog.summary import fleet_changed
from tests.factories_compliance import snapshot
from tests.factories_inventory import DeviceFactory, catalog_of

pytestmark = pytest.mark.django_db


def _hostnames(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return sorted(row["hostname"] for row in answer.json()["results"])


def test_a_choice_is_read_by_its_value_or_its_label_in_any_case(api_as, engineer):
    DeviceFactory(hostname="ios-1", os_family="ios")
    DeviceFactory(hostname="xe-1", os_family="ios_xe")
    DeviceFactory(hostname="nx-1", os_family="nx_os")
    api = api_as(engineer)
    assert _hostnames(api.get("/api/v1/devices/", {"os_family": "IOS"})) == ["ios-1"]
    assert _hostnames(api.get("/api/v1/devices/", {"os_family": ["ios xe", "NX-OS"]})) == ["nx-1", "xe-1"]
    assert _hostnames(api.get("/api/v1/devices/", {"os_family": ["IOS_XE", "ios"]})) == ["ios-1", "xe-1"]
    refused = api.get("/api/v1/devices/", {"os_family": ["ios", "junos", "eos"]})
    assert refused.status_code == 400
    assert refused.json()["fields"]["os_family"] == [
        "'junos', 'eos' are not among the choices: ios (IOS), ios_xe (IOS XE), nx_os (NX-OS), asa (ASA), "
        "aireos (AireOS), ios_xr (IOS XR), other."
    ]


def test_several_filters_are_anded_and_each_ors_its_values(api_as, engineer):
    DeviceFactory(hostname="a", site="ber1", role="access")
    DeviceFactory(hostname="b", site="muc2", role="core")
    DeviceFactory(hostname="c", site="muc2", role="access")
    DeviceFactory(hostname="d", site="ham3", role="access")
    answer = api_as(engineer).get("/api/v1/devices/", {"site": ["ber1", "muc2"], "role": "access"})
    assert _hostnames(answer) == ["a", "c"]


def test_release_filters_read_any_spelling_and_refuse_what_is_no_release(api_as, engineer):
    catalog_of("C9300-24P", [("17.3.8a",), ("17.9.4", "suggested"), ("17.12.4",)])
    DeviceFactory(hostname="old", current_release="17.3.8a")
    DeviceFactory(hostname="mid", current_release="17.9.4")
    api = api_as(engineer)
    assert _hostnames(api.get("/api/v1/devices/", {"release": ["17.03.08a", "17.09.04"]})) == ["mid", "old"]
    above = api.get("/api/v1/catalog/releases/", {"above": "17.09.04"}).json()["results"]
    assert [row["version"] for row in above] == ["17.12.4"]
    for path in ("/api/v1/catalog/releases/", "/api/v1/catalog/products/C9300-24P/releases/"):
        refused = api.get(path, {"above": "abc"})
        assert refused.status_code == 400, path
        assert refused.json()["fields"] == {
            "above": ["'abc' is not a Cisco release; write it as Cisco does, e.g. 17.9.4a or 15.2(7)E8"]
        }
    refused = api.get("/api/v1/devices/", {"release": "banana"})
    assert refused.status_code == 400 and "'banana' is not a Cisco release" in refused.json()["message"]


def test_yes_no_parameters_are_strict_everywhere(api_as, engineer):
    catalog_of("C9300-24P", [("17.9.4", "suggested"), ("17.12.4",)])
    api = api_as(engineer)
    for path in ("/api/v1/catalog/releases/", "/api/v1/catalog/products/C9300-24P/releases/"):
        assert [r["version"] for r in api.get(path, {"suggested": "YES"}).json()["results"]] == ["17.9.4"]
        assert [r["version"] for r in api.get(path, {"suggested": "0"}).json()["results"]] == ["17.12.4"]
        refused = api.get(path, {"suggested": "maybe"})
        assert refused.status_code == 400
        assert refused.json()["fields"] == {"suggested": ["'maybe' is not a yes/no value: use true or false."]}


def test_an_unknown_sort_field_is_a_400_listing_the_allowed_ones(api_as, administrator):
    api = api_as(administrator)
    devices = api.get("/api/v1/devices/", {"ordering": "hostname,-colour"})
    assert devices.status_code == 400
    assert devices.json()["fields"]["ordering"] == [
        "Cannot sort by '-colour': use hostname, pid, current_release, site, role, os_family, updated, target (a "
        "leading - sorts descending; separate several with commas)."
    ]
    jobs = api.get("/api/v1/downloads/jobs/", {"ordering": "size"})
    assert jobs.status_code == 400
    assert "use created_at, updated_at, state (a leading - sorts" in jobs.json()["fields"]["ordering"][0]
    assert api.get("/api/v1/downloads/jobs/", {"ordering": "-state,created_at"}).status_code == 200


def test_sorting_devices_by_several_fields(api_as, engineer):
    DeviceFactory(hostname="b", site="x")
    DeviceFactory(hostname="a", site="y")
    DeviceFactory(hostname="c", site="x")
    rows = api_as(engineer).get("/api/v1/devices/", {"ordering": "site,-hostname"}).json()["results"]
    assert [row["hostname"] for row in rows] == ["c", "b", "a"]


def test_a_devices_releases_are_paged_like_every_list(api_as, engineer):
    catalog_of("C9300-24P", [("17.3.8a",), ("17.6.5",), ("17.9.4",), ("17.12.4",)])
    device = DeviceFactory(current_release="17.3.8a")
    api = api_as(engineer)
    first = api.get(f"/api/v1/devices/{device.pk}/releases/", {"page_size": 2}).json()
    assert first["count"] == 3 and [r["version"] for r in first["results"]] == ["17.12.4", "17.9.4"]
    second = api.get(first["next"]).json()
    assert [r["version"] for r in second["results"]] == ["17.6.5"] and second["next"] is None
    assert second["results"][0]["url"].startswith("http://testserver/api/v1/catalog/releases/")
    assert second["results"][0]["display"] == "C9300-24P 17.6.5"


def test_links_honour_portal_base_url(api_as, engineer, settings):
    settings.PORTAL_BASE_URL = "https://depot.example.net"
    device = DeviceFactory(hostname="edge-1")
    fleet_changed()
    row = api_as(engineer).get("/api/v1/devices/").json()["results"][0]
    assert row["url"] == f"https://depot.example.net/api/v1/devices/{device.pk}/" and row["display"] == "edge-1"


def test_objects_outside_lists_have_url_and_display_too(api_as, administrator, officer):
    snapshot(FormKind.K9)
    api = api_as(administrator)
    me = api.get("/api/v1/me/").json()
    assert me["url"] == "http://testserver/api/v1/me/" and me["display"] == "adm"
    forms = api_as(officer).get("/api/v1/compliance/forms/").json()
    k9 = next(form for form in forms if form["kind"] == "k9")
    assert k9["url"] == "http://testserver/api/v1/compliance/forms/k9/" and k9["display"] == "K9 (export)"
    queue = api_as(officer).get("/api/v1/compliance/queue/").json()
    assert {group["url"] for group in queue} == {
        "http://testserver/api/v1/compliance/forms/k9/",
        "http://testserver/api/v1/compliance/forms/eula/",
    }
    created = api.post("/api/v1/devices/", {"hostname": "new-1", "pid": "C9300-24P"}, format="json").json()
    assert created["url"] == f"http://testserver/api/v1/devices/{created['id']}/" and created["display"] == "new-1"
    refresh = api.post("/api/v1/catalog/refreshes/")
    assert refresh.status_code == 202 and refresh["Location"] == refresh.json()["url"]
    body = refresh.json()
    assert body["display"] == f"Refresh #{body['id']} ({body['state'].replace('_', ' ')})"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here/",
        "/api/v1/devices/99999999999999999999/",
        "/api/v1/devices/1/nothing/",
        "/api/v2/devices/",
        "/api/v1/catalog/products/A/B/C/",
    ],
)
def test_a_path_under_api_that_names_no_endpoint_is_a_json_404(api_as, administrator, path):
    for method in ("get", "post", "delete"):
        answer = getattr(api_as(administrator), method)(path)
        assert answer.status_code == 404 and answer["Content-Type"] == "application/json", (method, path)
        assert answer.json()["code"] == "not_found" and answer.json()["message"]


def test_a_method_an_endpoint_does_not_take_is_a_json_405(api_as, administrator):
    device = DeviceFactory()
    for method, path in (("put", "/api/v1/me/"), ("post", f"/api/v1/devices/{device.pk}/"), ("delete", "/api/v1/")):
        answer = getattr(api_as(administrator), method)(path)
        if answer.status_code == 404:  # /api/v1/ itself is no endpoint
            assert answer.json()["code"] == "not_found"
            continue
        assert answer.status_code == 405 and answer["Content-Type"] == "application/json", (method, path)
        assert answer.json()["code"] == "method_not_allowed"


def test_a_fleet_download_reads_its_filters_as_the_device_list_does(api_as, engineer):
    api = api_as(engineer)
    unknown = api.post("/api/v1/catalog/fleet/download/", {"filters": {"colour": "red"}}, format="json")
    assert unknown.status_code == 400 and "No device filter named colour" in unknown.json()["message"]
    wrong = api.post("/api/v1/catalog/fleet/download/", {"filters": {"status": ["psirt", "shiny"]}}, format="json")
    assert wrong.status_code == 400 and "'shiny' is not one of the choices" in wrong.json()["message"]
    assert list(wrong.json()["fields"]) == ["filters"]
    DeviceFactory(site="ber1")
    DeviceFactory(site="muc2")
    DeviceFactory(site="ham3")
    answer = api.post("/api/v1/catalog/fleet/download/", {"filters": {"site": ["ber1", "muc2"]}}, format="json")
    assert answer.status_code == 202 and answer.json()["devices"] == 2


def test_the_device_list_page_reads_several_values_and_shows_the_first(client, engineer):
    DeviceFactory(hostname="a", site="ber1")
    DeviceFactory(hostname="b", site="muc2")
    DeviceFactory(hostname="c", site="ham3")
    client.force_login(engineer)
    page = client.get(reverse("inventory:device-list"), {"site": ["ber1", "muc2"]})
    assert page.status_code == 200
    assert [device.hostname for device in page.context["page"].object_list] == ["a", "b"]
    assert 'name="site" id="id_site" value="ber1"' in page.content.decode()
    wrong = client.get(reverse("inventory:device-list"), {"os_family": "junos"})
    assert list(wrong.context["page"].object_list) == []  # nothing rather than everything


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/devices/", "os_family"),
        ("/api/v1/devices/", "ordering"),
        ("/api/v1/devices/", "release"),
        ("/api/v1/catalog/refreshes/", "state"),
        ("/api/v1/catalog/releases/", "software_type"),
        ("/api/v1/catalog/releases/", "suggested"),
        ("/api/v1/downloads/jobs/", "ordering"),
    ],
)
def test_a_percent_sign_in_a_wrong_value_is_quoted_not_formatted(api_as, administrator, path, param):
    answer = api_as(administrator).get(path, {param: "50%s %(x)s %"})
    assert answer.status_code == 400, answer.content
    assert "'50%s %(x)s %'" in answer.json()["fields"][param][0]


def test_a_products_releases_take_several_software_types(api_as, engineer):
    xe = catalog_of("C9300-24P", [("17.9.4",)], type_id="282046477", type_name="IOS XE Software")
    rommon = catalog_of("C9300-24P", [("17.9.1r",)], type_id="282046486", type_name="ROM Monitor")
    other = catalog_of("C9300-24P", [("16.12.1",)], type_id="280805680", type_name="IOS XE SD-WAN Software")
    types = [xe["17.9.4"].software_type_id, rommon["17.9.1r"].software_type_id]
    api = api_as(engineer)
    rows = api.get("/api/v1/catalog/products/C9300-24P/releases/", {"software_type": types}).json()["results"]
    assert sorted(row["version"] for row in rows) == ["17.9.1r", "17.9.4"]
    assert other["16.12.1"].software_type_id not in types
    refused = api.get("/api/v1/catalog/products/C9300-24P/releases/", {"software_type": ["1", "x"]})
    assert refused.status_code == 400 and list(refused.json()["fields"]) == ["software_type"]


def test_an_empty_choice_is_asked_for_by_its_label(api_as, administrator):
    from tests.factories_downloads import DownloadJobFactory

    DownloadJobFactory(pid="A", waiting_for="")
    DownloadJobFactory(pid="B", waiting_for="k9")
    DownloadJobFactory(pid="C", waiting_for="eula")
    api = api_as(administrator)
    rows = api.get("/api/v1/downloads/jobs/", {"waiting_for": ["Nothing", "k9"]}).json()["results"]
    assert sorted(row["pid"] for row in rows) == ["A", "B"]
    refused = api.get("/api/v1/downloads/jobs/", {"waiting_for": "k10"}).json()["fields"]["waiting_for"][0]
    assert refused.endswith("choices: Nothing, k9 (K9 (export) form), eula (EULA), k9_eula (K9 form and EULA).")
