"""The device field rules every entry shares: releases read in the device's OS family and stored in one canonical
spelling, the OS family guessed from the PID, memory and flash, one field list for form, API and CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.inventory.api.serializers import DeviceSerializer
from portal.inventory.forms import DeviceForm
from portal.inventory.models import Device
from portal.inventory.services.fields import COLUMNS
from portal.inventory.services.imports import devices_import_csv
from tests.factories_inventory import DeviceFactory

pytestmark = pytest.mark.django_db


def test_equivalent_spellings_are_one_release_whatever_the_entry(client, engineer, api_as):
    api = api_as(engineer)
    created = api.post("/api/v1/devices/", {"hostname": "api-1", "pid": "C9300-24P", "current_release": "17.09.04a"})
    assert created.status_code == 201 and created.json()["current_release"] == "17.9.4a"
    client.force_login(engineer)
    client.post("/devices/new/", {"hostname": "form-1", "pid": "C9300-24P", "current_release": "17.09.04a"})
    upload = SimpleUploadedFile(
        "d.csv", b"hostname,pid,current_release\ncsv-1,C9300-24P,17.09.04a\ncsv-2,C9300-24P,17.9.4a\n"
    )
    assert client.post("/devices/import/", {"file": upload}).status_code == 302
    assert set(Device.objects.values_list("current_release", flat=True)) == {"17.9.4a"}
    for spelling in ("17.09.04a", "17.9.4a", " 17.09.4a "):
        assert api.get("/api/v1/devices/", {"release": spelling}).json()["count"] == 4, spelling
        assert client.get("/devices/", {"release": spelling}).context["page"].paginator.count == 4
    assert api.get("/api/v1/devices/", {"release": "17.9.4"}).json()["count"] == 0  # 17.9.4 is another release


def test_a_release_is_read_in_the_devices_os_family(api_as, engineer):
    api = api_as(engineer)
    leaf = api.post("/api/v1/devices/", {"hostname": "leaf-1", "pid": "N9K-C93180YC-FX", "current_release": "9.3(10)"})
    assert leaf.status_code == 201 and leaf.json()["os_family"] == "nx_os"
    wrong = api.patch(f"/api/v1/devices/{leaf.json()['id']}/", {"current_release": "17.9.4a"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["fields"] == {
        "current_release": ["'17.9.4a' is not an NX-OS release; write it as Cisco does, e.g. 9.3(10)"]
    }
    fixed = api.patch(f"/api/v1/devices/{leaf.json()['id']}/", {"current_release": "9.3(09)"}, format="json")
    assert fixed.status_code == 200 and fixed.json()["current_release"] == "9.3(9)"
    # A family chosen by hand is the one the release is read in, whatever the PID suggests.
    asa = api.post(
        "/api/v1/devices/", {"hostname": "fw-1", "pid": "C9300-24P", "os_family": "ASA", "current_release": "9.16(4)19"}
    )
    assert asa.status_code == 201 and asa.json()["os_family"] == "asa"


def test_csv_names_the_row_column_and_a_valid_spelling():
    result = devices_import_csv(file="hostname,pid,current_release\nsw-1,WS-C2960X-48FPD-L,17.9.4a\n")
    assert not result.imported
    assert [str(e) for e in result.errors] == [
        "row 2, current_release: '17.9.4a' is not an IOS release; write it as Cisco does, e.g. 15.2(7)E8"
    ]


@pytest.mark.parametrize(
    ("pid", "family"),
    [("C9300-24P", "ios_xe"), ("N9K-C93180YC-FX", "nx_os"), ("WS-C2960X-48FPD-L", "ios"), ("ASA5516", "asa"),
     ("AIR-CT5520-K9", "aireos"), ("ASR-9006-AC-V2", "ios_xr"), ("MYSTERY-1", "other")],
)  # fmt: skip
def test_the_os_family_is_guessed_from_the_pid_in_the_form_and_the_api(client, engineer, api_as, pid, family):
    client.force_login(engineer)
    assert client.post("/devices/new/", {"hostname": "form-1", "pid": pid, "os_family": ""}).status_code == 302
    assert api_as(engineer).post("/api/v1/devices/", {"hostname": "api-1", "pid": pid}).status_code == 201
    assert dict(Device.objects.values_list("hostname", "os_family")) == {"form-1": family, "api-1": family}


def test_a_device_of_unknown_family_gets_the_guess_when_its_pid_changes(api_as, engineer):
    device = DeviceFactory(pid="MYSTERY-1", os_family="other", current_release="")
    api = api_as(engineer)
    assert api.patch(f"/api/v1/devices/{device.pk}/", {"pid": "C9300-48P"}, format="json").status_code == 200
    device.refresh_from_db()
    assert device.os_family == "ios_xe"
    chosen = DeviceFactory(pid="MYSTERY-2", os_family="asa")
    api.patch(f"/api/v1/devices/{chosen.pk}/", {"pid": "C9300-48P"}, format="json")
    chosen.refresh_from_db()
    assert chosen.os_family == "asa"  # never over a family someone chose


def test_memory_and_flash_at_every_entry_and_back_out(client, engineer, api_as):
    api = api_as(engineer)
    body = {"hostname": "api-1", "pid": "C9300-24P", "memory_mb": 8192, "flash_mb": "11000"}
    created = api.post("/api/v1/devices/", body, format="json").json()
    assert (created["memory_mb"], created["flash_mb"]) == (8192, 11000)
    client.force_login(engineer)
    client.post("/devices/new/", {"hostname": "form-1", "pid": "C9300-24P", "memory_mb": "4096", "flash_mb": ""})
    devices_import_csv(file="hostname,pid,memory_mb,flash_mb\ncsv-1,C9300-24P,16384,3147\n")
    sizes = dict((h, (m, f)) for h, m, f in Device.objects.values_list("hostname", "memory_mb", "flash_mb"))
    assert sizes == {"api-1": (8192, 11000), "form-1": (4096, None), "csv-1": (16384, 3147)}
    cleared = api.patch(f"/api/v1/devices/{created['id']}/", {"memory_mb": None}, format="json").json()
    assert cleared["memory_mb"] is None and cleared["flash_mb"] == 11000
    exported = b"".join(client.get("/devices/export.csv").streaming_content).decode()
    rows = {r["hostname"]: r for r in csv.DictReader(io.StringIO(exported))}
    assert (rows["csv-1"]["memory_mb"], rows["csv-1"]["flash_mb"], rows["form-1"]["flash_mb"]) == ("16384", "3147", "")


def test_one_field_list_for_form_api_and_csv():
    form_fields = list(DeviceForm(device=Device()).fields)
    api_fields = [name for name, field in DeviceSerializer().fields.items() if not field.read_only and name != "id"]
    assert form_fields == api_fields == list(COLUMNS)
    assert COLUMNS[:2] == ("hostname", "pid") and {"memory_mb", "flash_mb", "tags", "notes"} <= set(COLUMNS)


def test_existing_releases_are_migrated_to_their_canonical_spelling():
    from importlib import import_module

    migration = import_module("portal.inventory.migrations.0004_canonical_releases")
    DeviceFactory(hostname="a", current_release="17.09.04a")
    DeviceFactory(hostname="b", current_release="7.0(3)I7(09)")
    DeviceFactory(hostname="c", current_release="banana")  # not a release: left for the engineer to correct
    DeviceFactory(hostname="d", current_release="")
    migration.canonical_releases(apps, None)
    releases = dict(Device.objects.values_list("hostname", "current_release"))
    assert releases == {"a": "17.9.4a", "b": "7.0(3)I7(9)", "c": "banana", "d": ""}


def test_csv_reads_a_known_devices_release_in_its_own_family():
    DeviceFactory(hostname="sw-1", pid="MYSTERY-1", os_family="nx_os", current_release="9.3(10)")
    refused = devices_import_csv(file="hostname,pid,current_release\nsw-1,MYSTERY-1,17.9.4a\n")
    assert [str(e) for e in refused.errors] == [
        "row 2, current_release: '17.9.4a' is not an NX-OS release; write it as Cisco does, e.g. 9.3(10)"
    ]
    assert devices_import_csv(file="hostname,pid,current_release\nsw-1,MYSTERY-1,9.3(09)\n").imported
    assert Device.objects.get().current_release == "9.3(9)"
