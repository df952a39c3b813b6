"""NetBox sync with pynetbox against a small NetBox stand-in served over loopback HTTP."""

from __future__ import annotations

import pytest

from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.models import Device
from portal.inventory.services.netbox import NetBoxError, NetBoxNotConfigured, netbox_sync, release_from_platform
from tests.inventory.conftest import TOKEN, netbox_device


@pytest.mark.django_db
def test_sync_maps_netbox_fields_and_pages_through(netbox):
    result = netbox_sync()
    assert (result.seen, result.created, result.updated) == (63, 62, 0)
    assert [name for name, _ in result.skipped] == ["NetBox device 3"]
    sw = Device.objects.get(hostname="ber-acc-sw01")
    assert (sw.pid, sw.current_release, sw.site, sw.role, sw.netbox_id, sw.source) == (
        "C9300-24P",
        "17.9.4a",
        "ber1",
        "access",
        1,
        DeviceSource.NETBOX,
    )
    assert list(sw.tags.values_list("name", flat=True)) == ["pci"]
    leaf = Device.objects.get(hostname="ams-dc-leaf01")
    assert leaf.pid == "N9K-C93180YC-FX" and leaf.current_release == "9.3(10)" and leaf.os_family == OsFamily.NX_OS
    assert all(token == f"Token {TOKEN}" for token in netbox.tokens)
    assert sum(1 for r in netbox.requests if r.startswith("/api/dcim/devices/")) >= 2  # more than one page


@pytest.mark.django_db
def test_sync_twice_updates_without_duplicates_and_follows_renames(netbox):
    netbox_sync()
    netbox.devices[0]["name"] = "ber-acc-sw01-new"
    netbox.devices[0]["custom_fields"]["software_version"] = "17.12.4"
    result = netbox_sync()
    assert result.created == 0 and result.updated == 62
    assert Device.objects.count() == 62
    renamed = Device.objects.get(netbox_id=1)
    assert renamed.hostname == "ber-acc-sw01-new" and renamed.current_release == "17.12.4"


@pytest.mark.django_db
def test_sync_with_a_filter(netbox):
    result = netbox_sync(filters={"site": "ams1"})
    assert result.seen == 1 and Device.objects.get().hostname == "ams-dc-leaf01"


@pytest.mark.django_db
def test_unreachable_netbox_is_a_clear_error(settings):
    settings.PORTAL_NETBOX_URL = "http://127.0.0.1:1"
    with pytest.raises(NetBoxError, match="unreachable"):
        netbox_sync()


def test_release_from_platform_names():
    assert release_from_platform("Cisco IOS XE 17.09.04a") == "17.09.04a"
    assert release_from_platform("NX-OS 9.3(10)") == "9.3(10)"
    assert release_from_platform("ios-xe") == ""


@pytest.mark.django_db
def test_page_and_api_sync(netbox, client, api_as, engineer):
    client.force_login(engineer)
    response = client.post("/devices/import/netbox/")
    assert response.status_code == 302 and Device.objects.count() == 62
    api = api_as(engineer)
    body = api.post("/api/v1/devices/netbox-sync/", {}, format="json").json()
    assert body["created"] == 0 and body["updated"] == 62 and body["skipped"][0]["name"] == "NetBox device 3"


@pytest.mark.django_db
def test_memory_and_flash_from_custom_fields_with_configurable_names(netbox, settings):
    netbox.devices = [
        netbox_device(1, "sw-1", 10, release="17.09.04a", custom={"memory_mb": 8192, "flash_mb": "11000"}),
        netbox_device(2, "sw-2", 10, custom={"dram": 16384, "disk": 3147, "memory_mb": 1}),
    ]
    netbox_sync()
    assert Device.objects.get(hostname="sw-1").current_release == "17.9.4a"  # canonical spelling
    settings.PORTAL_NETBOX_MEMORY_FIELD, settings.PORTAL_NETBOX_FLASH_FIELD = "dram", "disk"
    netbox_sync()
    sizes = dict((h, (m, f)) for h, m, f in Device.objects.values_list("hostname", "memory_mb", "flash_mb"))
    assert sizes == {"sw-1": (8192, 11000), "sw-2": (16384, 3147)}  # sw-1 has no dram/disk: kept as it was


@pytest.mark.django_db
def test_sync_without_netbox_configured_is_a_clear_4xx(settings, api_as, engineer, client):
    settings.PORTAL_NETBOX_URL = ""
    with pytest.raises(NetBoxNotConfigured, match="PORTAL_NETBOX_URL"):
        netbox_sync()
    response = api_as(engineer).post("/api/v1/devices/netbox-sync/", {}, format="json")
    assert response.status_code == 409
    assert response.json() == {
        "code": "netbox_not_configured",
        "message": "NetBox is not configured: set PORTAL_NETBOX_URL (and PORTAL_NETBOX_TOKEN) to sync devices from it.",
    }
    client.force_login(engineer)
    page = client.post("/devices/import/netbox/", follow=True)
    assert "NetBox is not configured" in page.content.decode() and not Device.objects.exists()
