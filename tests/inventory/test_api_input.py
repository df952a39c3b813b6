"""Inputs that once answered 500: huge ids in paths and bodies, floats in integer parameters. Each is a 4xx on
SQLite and PostgreSQL (SQLite raised OverflowError, PostgreSQL a DataError)."""

from __future__ import annotations

import pytest

from portal.inventory.models import Device
from tests.factories_inventory import DeviceFactory

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/devices/{HUGE}/",
        f"/api/v1/devices/{HUGE}/recommendation/",
        f"/api/v1/devices/{HUGE}/releases/",
        "/api/v1/devices/999999999999999999/",  # 18 digits: a lookup, and simply no such device
        f"/api/v1/devices/?page={HUGE}",
        "/api/v1/devices/?page=1.5",
    ],
)
def test_api_lookups_of_huge_or_odd_numbers_are_404(api_as, administrator, path):
    DeviceFactory()
    assert api_as(administrator).get(path).status_code == 404


@pytest.mark.parametrize("path", [f"/devices/{HUGE}/", f"/devices/{HUGE}/edit/", f"/devices/{HUGE}/delete/"])
def test_pages_of_huge_ids_are_404(client, administrator, path):
    client.force_login(administrator)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "/api/v1/devices/{id}/", {"memory_mb": 10**30}, "memory_mb"),
        ("patch", "/api/v1/devices/{id}/", {"flash_mb": 1.5}, "flash_mb"),
        ("patch", "/api/v1/devices/{id}/", {"tags": {"a": 1}}, "tags"),
        ("patch", "/api/v1/devices/{id}/", {"hostname": ["a"]}, "hostname"),
        ("post", "/api/v1/catalog/fleet/download/", {"device_ids": [int(HUGE)]}, "device_ids"),
        ("post", "/api/v1/catalog/fleet/download/", {"device_ids": [1.5]}, "device_ids"),
    ],
)
def test_bodies_with_huge_or_odd_numbers_are_400_naming_the_field(api_as, administrator, method, path, body, field):
    device = DeviceFactory()
    response = getattr(api_as(administrator), method)(path.format(id=device.pk), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_input" and field in response.json()["fields"]
    assert Device.objects.get().updated == device.updated  # nothing written


def test_a_float_or_huge_value_in_the_device_filters_is_no_error(api_as, administrator):
    DeviceFactory(current_release="17.9.4")
    api = api_as(administrator)
    for params in ({"release": "1.5"}, {"page_size": "1.5"}, {"serial": HUGE}):
        response = api.get("/api/v1/devices/", params)
        assert response.status_code == 200, params
    for params in ({"os_family": "1.5"}, {"release": HUGE * 10}):
        refused = api.get("/api/v1/devices/", params)
        assert refused.status_code == 400 and list(refused.json()["fields"]) == list(params)


def test_boolean_parameters_of_a_devices_releases_are_read_strictly(api_as, engineer):
    from tests.factories_inventory import catalog_of

    catalog_of("C9300-24P", [("17.3.8a",), ("17.9.4", "suggested"), ("17.12.4",)])
    device = DeviceFactory(current_release="17.3.8a")
    api = api_as(engineer)

    def versions(params: dict) -> list[str]:
        response = api.get(f"/api/v1/devices/{device.pk}/releases/", params)
        assert response.status_code == 200, response.content
        return [r["version"] for r in response.json()["results"]]

    assert versions({}) == ["17.12.4", "17.9.4"]
    assert versions({"all": "TRUE"}) == versions({"all": "1"}) == ["17.12.4", "17.9.4", "17.3.8a"]
    assert versions({"all": "false", "suggested": "yes"}) == ["17.9.4"]
    refused = api.get(f"/api/v1/devices/{device.pk}/releases/", {"all": "abc"})
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"all": ["'abc' is not a yes/no value: use true or false."]}
