"""CSV and JSON imports: refused whole with every problem by row and column, or the valid rows only when asked;
upserts by hostname; the same service behind the page, the API and manage.py import_devices."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from portal.catalog.models import Recommendation
from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.models import Device
from portal.inventory.services.imports import ImportFileError, devices_import_csv
from tests.factories_inventory import DeviceFactory

pytestmark = pytest.mark.django_db

GOOD = """hostname,pid,serial,current_release,running_image,os_family,site,role,tags,notes
ber-acc-sw01,C9300-24P,FCW2319L0BX,17.09.04a,cat9k_iosxe.17.09.04a.SPA.bin,IOS XE,ber1,access,pci;critical,first floor
lon-acc-sw07,WS-C2960X-48FPD-L,FOC1932S0AB,15.2(7)E8,c2960x-universalk9-mz.152-7.E8.bin,ios,lon1,access,,
ams-dc-leaf01,N9K-C93180YC-FX,FDO23160JQ1,9.3(10),nxos.9.3.10.bin,,ams1,dc-leaf,,
"""

BAD = """hostname,pid,current_release,os_family,tags
good-one,C9300-24P,17.9.4,IOS XE,
,C9300-24P,17.9.4,,
bad host,C9300 24P,17.9.4,,
good-one,C9300-24P,17.9.5,,
also-bad,C9300-24P,17.9.4,JUNOS,bad tag!
"""


def test_good_file_creates_devices_with_every_column():
    result = devices_import_csv(file=GOOD.encode())
    assert result.imported and result.created == 3 and result.updated == 0
    device = Device.objects.get(hostname="ber-acc-sw01")
    assert device.pid == "C9300-24P" and device.serial == "FCW2319L0BX"
    assert device.current_release == "17.9.4a" and device.os_family == OsFamily.IOS_XE  # canonical spelling
    assert sorted(device.tags.values_list("name", flat=True)) == ["critical", "pci"]
    assert device.notes == "first floor" and device.source == DeviceSource.CSV
    assert Device.objects.get(hostname="ams-dc-leaf01").os_family == OsFamily.NX_OS  # guessed from the image
    assert Recommendation.objects.count() == 3  # computed right away (no catalog yet: "run a refresh")


def test_bad_file_is_refused_whole_with_every_problem_by_row_and_column():
    result = devices_import_csv(file=BAD)
    assert not result.imported
    assert Device.objects.count() == 0
    problems = {(e.row, e.column) for e in result.errors}
    assert problems == {
        (3, "hostname"),
        (4, "hostname"),
        (4, "pid"),
        (5, "hostname"),  # duplicate of row 2
        (6, "os_family"),
        (6, "tags"),
    }
    duplicate = next(e for e in result.errors if e.row == 5)
    assert "row 2" in duplicate.message
    assert "Nothing imported" in result.summary


def test_skip_invalid_imports_the_good_rows_only():
    result = devices_import_csv(file=BAD, skip_invalid=True)
    assert result.imported and result.created == 1 and result.skipped == 4
    assert list(Device.objects.values_list("hostname", flat=True)) == ["good-one"]


def test_known_hostnames_are_updated_and_missing_columns_left_alone():
    DeviceFactory(hostname="ber-acc-sw01", serial="OLD", site="old-site", notes="keep me", current_release="16.12.10a")
    result = devices_import_csv(
        file="hostname,pid,current_release\nber-acc-sw01,C9300-24P,17.9.4a\nnew-one,C9300-24P,17.3.8a\n"
    )
    assert result.created == 1 and result.updated == 1
    device = Device.objects.get(hostname="ber-acc-sw01")
    assert device.current_release == "17.9.4a" and device.notes == "keep me" and device.site == "old-site"
    assert device.release_key > Device.objects.get(hostname="new-one").release_key


def test_missing_required_column_is_reported_against_the_header():
    result = devices_import_csv(file="hostname,serial\nx,1\n")
    assert not result.imported
    assert [(e.row, e.column) for e in result.errors] == [(1, "pid")]


def test_semicolon_files_aliases_and_unknown_columns():
    text = "Host;Product ID;Version;Colour\nr1;ISR4331/K9;17.9.4a;blue\n"
    result = devices_import_csv(file=text)
    assert result.imported, result.errors
    assert Device.objects.get(hostname="r1").current_release == "17.9.4a"
    assert any("Colour" in w for w in result.warnings)


def test_windows_1252_file_is_read():
    data = "hostname,pid,notes\nsw1,C9300-24P,Müller's closet\n".encode("cp1252")
    assert devices_import_csv(file=data).imported
    assert Device.objects.get(hostname="sw1").notes == "Müller's closet"


def test_not_a_file_at_all():
    with pytest.raises(ImportFileError):
        devices_import_csv(file=b"")


def test_page_upload_refuses_and_lists_problems(client, engineer):
    client.force_login(engineer)
    upload = SimpleUploadedFile("devices.csv", BAD.encode(), content_type="text/csv")
    response = client.post("/devices/import/", {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing imported" in text and "already appears in row 2" in text
    assert Device.objects.count() == 0


def test_page_upload_imports(client, engineer):
    client.force_login(engineer)
    upload = SimpleUploadedFile("devices.csv", GOOD.encode(), content_type="text/csv")
    response = client.post("/devices/import/", {"file": upload})
    assert response.status_code == 302
    assert Device.objects.count() == 3


def test_officer_may_not_import(client, officer):
    client.force_login(officer)
    assert client.get("/devices/import/").status_code == 403


def test_api_multipart_upload(api_as, engineer):
    api = api_as(engineer)
    upload = SimpleUploadedFile("devices.csv", GOOD.encode(), content_type="text/csv")
    response = api.post("/api/v1/devices/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 3


def test_api_json_rows_refused_with_errors_then_skipped(api_as, engineer):
    api = api_as(engineer)
    rows = [{"hostname": "a1", "pid": "C9300-24P"}, {"hostname": "", "pid": "C9300-24P"}]
    refused = api.post("/api/v1/devices/import/", {"rows": rows}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "import_refused"
    assert body["errors"] == [{"row": 2, "column": "hostname", "message": "required"}]
    ok = api.post("/api/v1/devices/import/", {"rows": rows, "skip_invalid": True}, format="json")
    assert ok.status_code == 200 and ok.json()["created"] == 1 and ok.json()["skipped"] == 1


def test_import_devices_command_with_progress(tmp_path):
    path = tmp_path / "fleet.csv"
    lines = ["hostname,pid,current_release"] + [f"sw{i:05d},C9300-24P,17.9.4" for i in range(2500)]
    path.write_text("\n".join(lines) + "\n")
    out = io.StringIO()
    call_command("import_devices", str(path), stdout=out)
    text = out.getvalue()
    assert Device.objects.count() == 2500
    assert "2500 created" in text and "1000/2500" in text


def test_import_devices_command_refuses_and_exits_non_zero(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_devices", str(path), stdout=out, stderr=err)
    assert exc.value.code == 1
    assert "row 6, os_family" in err.getvalue()
    call_command("import_devices", str(path), "--skip-invalid", stdout=out, stderr=err)
    assert Device.objects.count() == 1
