"""One hostile corpus through all five entries (form, API, CSV, show version, NetBox): each refuses every value
with an error naming the field, and writes nothing. The rules live in one function; this proves every entry
uses it (before, the API checked only the tail of hostname, PID and tags)."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.inventory.models import Device, Tag
from portal.inventory.services.devices import DeviceInvalid
from portal.inventory.services.netbox import netbox_sync
from portal.inventory.services.show import device_from_show, show_parse
from tests.inventory.conftest import netbox_device

pytestmark = pytest.mark.django_db
CAPTURES = Path(__file__).parent / "captures"
BASE = {"hostname": "corpus-sw01", "pid": "C9300-24P", "current_release": "17.9.4a", "site": "ber1", "role": "access"}

XSS = "<img src=x onerror=alert(1)>a"
LOG = "log\ninjected"
PATH = "../../../etc/passwdX"
CORPUS = [
    ("hostname", XSS, "letters, digits"),
    ("hostname", LOG, "control"),
    ("hostname", PATH, "letters, digits"),
    ("hostname", "sw\u200b01", "invisible"),
    ("hostname", "a" * 256, "longer than 255"),
    ("pid", XSS, "not a Cisco PID"),
    ("pid", LOG, "control"),
    ("pid", PATH, "not a Cisco PID"),
    ("serial", "FOC1\x00", "control"),
    ("serial", XSS, "letters, digits"),
    ("current_release", "banana", "not an IOS XE release; write it as Cisco does, e.g. 17.9.4a"),
    ("current_release", "17.9.4a\u202e", "control"),
    ("current_release", "9.3(10)", "not an IOS XE release"),
    ("running_image", PATH, "a file name"),
    ("running_image", XSS, "a file name"),
    ("site", XSS, "must not contain < or >"),
    ("site", LOG, "control"),
    ("role", "core\r\nSet-Cookie: x=1", "control"),
    ("tags", PATH, "invalid tag"),
    ("tags", XSS, "invalid tag"),
    ("tags", LOG, "invalid tag"),
    ("tags", "pci\x00", "invalid tag"),
    ("memory_mb", "-1", "whole number of megabytes"),
    ("memory_mb", "99999999999999999999", "whole number of megabytes"),
    ("flash_mb", "8 GB", "whole number of megabytes"),
]


def _form(client, engineer, field: str, value: str) -> str:
    client.force_login(engineer)
    response = client.post("/devices/new/", {**BASE, field: value})
    assert response.status_code == 200  # the form again, with the error under the field
    assert field in response.context["form"].errors
    return " ".join(response.context["form"].errors[field])


def _api(client, engineer, field: str, value: str) -> str:
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(engineer)
    body = {**BASE, field: [value] if field == "tags" else value}
    response = api.post("/api/v1/devices/", body, format="json")
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "invalid_input" and field in data["fields"]
    return " ".join(data["fields"][field])


def _csv(client, engineer, field: str, value: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*BASE, field] if field not in BASE else list(BASE))
    writer.writeheader()
    writer.writerow({**BASE, field: value})
    client.force_login(engineer)
    upload = SimpleUploadedFile("devices.csv", out.getvalue().encode(), content_type="text/csv")
    response = client.post("/devices/import/", {"file": upload})
    assert response.status_code == 400
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(2, field)]
    return errors[0].message


def _show(client, engineer, field: str, value: str) -> str:
    facts = show_parse(show_version=(CAPTURES / "ios_xe_c9300_show_version.txt").read_text())
    given = {"hostname": "", "site": "", "role": "", "tags": None}
    if field in given:  # what the engineer types next to the paste
        given[field] = [value] if field == "tags" else value
    else:  # what the pasted text says: untrusted like any other input
        facts = dataclasses.replace(facts, **{field: value})
    with pytest.raises(DeviceInvalid) as refused:
        device_from_show(facts=facts, **given)
    assert [column for column, _ in refused.value.problems] == [field]
    return refused.value.problems[0][1]


NETBOX_PATHS = {
    "hostname": ("name",),
    "serial": ("serial",),
    "site": ("site", "name"),
    "role": ("role", "name"),
    "current_release": ("custom_fields", "software_version"),
    "memory_mb": ("custom_fields", "memory_mb"),
    "flash_mb": ("custom_fields", "flash_mb"),
}


def _netbox(netbox, field: str, value: str) -> str:
    netbox.device_types[0]["part_number"] = BASE["pid"]
    device = netbox_device(1, BASE["hostname"], 10, release=BASE["current_release"])
    if field == "pid":
        netbox.device_types[0]["part_number"] = value
    elif field == "tags":
        device["tags"] = [{"id": 1, "name": value, "slug": "x"}]
    else:
        *parents, leaf = NETBOX_PATHS[field]
        target = device
        for key in parents:
            target = target[key]
        target[leaf] = value
    netbox.devices = [device]
    result = netbox_sync()
    assert result.created == result.updated == 0 and len(result.skipped) == 1
    reason = result.skipped[0][1]
    assert reason.startswith(f"{field}: ")
    return reason


ENTRIES = {"form": _form, "api": _api, "csv": _csv, "show": _show, "netbox": _netbox}
CARRIES = {"netbox": {field for field, _, _ in CORPUS} - {"running_image"}}  # NetBox has no running image field


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_every_entry_refuses_the_hostile_corpus(request, client, engineer, entry):
    """Each value of the corpus in turn, into an empty inventory: refused, named, nothing written."""
    first = request.getfixturevalue("netbox") if entry == "netbox" else client
    missed = []
    for field, value, expected in CORPUS:
        if field not in CARRIES.get(entry, {field}):
            continue
        text = (
            ENTRIES[entry](first, field, value) if entry == "netbox" else ENTRIES[entry](client, engineer, field, value)
        )
        if expected not in text or Device.objects.exists() or Tag.objects.exists():
            missed.append((field, value, text))
    assert not missed


def test_the_form_shows_the_error_and_echoes_input_escaped(client, engineer):
    client.force_login(engineer)
    page = client.post("/devices/new/", {**BASE, "current_release": "banana"}).content.decode()
    assert "&#x27;banana&#x27; is not an IOS XE release; write it as Cisco does, e.g. 17.9.4a" in page
    page = client.post("/devices/new/", {**BASE, "hostname": XSS}).content.decode()
    assert XSS not in page and "&lt;img src=x onerror=alert(1)&gt;a" in page
