"""Every list of the REST API behaves the NetBox way: several values of a filter are OR-ed, a value that cannot be
read is a 400 naming the parameter (and the valid choices), every object carries ``url`` and ``display``, and the
number of queries does not grow with the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.choices import FormKind
from downloads.choices import JobSource
from portal.catalog.choices import RefreshState, RefreshTrigger
from portal.catalog.models import CatalogRefresh
from portal.catalog.services.families import family_key, image_families_sync_pids
from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.summary import fleet_changed
from portal.cisco.versions import normalize
from tests.factories_compliance import record, snapshot
from tests.factories_downloads import DownloadJobFactory, stored_image_with_file
from tests.factories_inventory import (
    DeviceFactory,
    ImageFactory,
    ProductFactory,
    ReleaseFactory,
    StandardReleaseFactory,
)
from webhooks import services as webhook_services

pytestmark = pytest.mark.django_db

SECRET = "a-secret-of-enough-length"


@dataclass(frozen=True)
class ListCase:
    """One list endpoint: ``make(i, user)`` writes row ``i`` and returns a value of ``param`` that selects it;
    ``of(result)`` reads from an answer's row that value as ``answered`` writes it (another spelling or case of
    the value asked for is found too); ``bad`` is a parameter, a value it cannot read and words the 400 must say;
    ``linked``: its objects have a detail URL."""

    path: str
    param: str
    make: Callable[[int, Any], str]
    of: Callable[[dict], str]
    bad: tuple[str, str, str]
    linked: bool = True
    answered: Callable[[str], str] = str


def _device(i: int, user: Any) -> str:
    DeviceFactory(hostname=f"sw-{i}", site=f"site-{i}")
    return f"site-{i}"


def _recommended(i: int, user: Any) -> str:
    device = DeviceFactory(hostname=f"sw-{i}", site=f"site-{i}")
    recommendations_recompute(device_ids=[device.pk])
    return f"site-{i}"


def _release(i: int, user: Any) -> str:
    ReleaseFactory(product=ProductFactory(pid="C9300-24P"), version=f"17.{i + 1}.1")
    return f"17.{i + 1:02d}.01"  # another spelling of the same release


def _standard(i: int, user: Any) -> str:
    StandardReleaseFactory(release=ReleaseFactory(version=f"17.{i + 1}.1"), site=f"site-{i}")
    return f"site-{i}"


def _image(i: int, user: Any) -> str:
    return ImageFactory(release=ReleaseFactory(version=f"17.{i + 1}.1")).name


def _family(i: int, user: Any) -> str:
    release = ReleaseFactory(product=ProductFactory(pid=f"PID-{i}"), version="17.9.4")
    image = ImageFactory(release=release, name=f"fam{i}_iosxe.17.09.04.SPA.bin")
    image_families_sync_pids(pids=[f"PID-{i}"])
    return family_key(image.name)


def _refresh(i: int, user: Any) -> str:
    trigger = list(RefreshTrigger)[i % len(RefreshTrigger)]
    CatalogRefresh.objects.create(state=RefreshState.DONE, trigger=trigger)
    return trigger.value


def _job(i: int, user: Any) -> str:
    DownloadJobFactory(pid=f"PID-{i}", source=JobSource.API, requested_by=user)
    return f"pid-{i}"  # any case


def _stored(i: int, user: Any) -> str:
    stored_image_with_file(name=f"image-{i}.bin", pid=f"PID-{i}", content=b"%d" % i * 100)
    return f"PID-{i}"


def _decision(i: int, user: Any) -> str:
    record(user, snapshot(FormKind.K9, version=f"{i + 1}.0"))
    return f"{i + 1}.0"


def _snapshot(i: int, user: Any) -> str:
    snapshot(FormKind.EULA, version=f"{i + 1}.0")
    return f"{i + 1}.0"


def _webhook(i: int, user: Any) -> str:
    webhook_services.webhook_create(
        name=f"hook-{i}", url=f"http://127.0.0.1:9/{i}", secret=SECRET, events=["download.stored"]
    )
    return f"hook-{i}"


def _delivery(i: int, user: Any) -> str:
    webhook = webhook_services.webhook_create(
        name=f"hook-{i}", url=f"http://127.0.0.1:9/{i}", secret=SECRET, events=["download.stored"]
    )
    webhook_services.webhook_test_send(webhook=webhook)
    return str(webhook.pk)


CASES = [
    ListCase("/api/v1/devices/", "site", _device, lambda r: r["site"], ("os_family", "junos", "ios_xe (IOS XE)")),
    ListCase(
        "/api/v1/catalog/recommendations/",
        "site",
        _recommended,
        lambda r: r["site"],
        ("status", "shiny", "upgrade_available (upgrade available)"),
    ),
    ListCase(
        "/api/v1/catalog/products/",
        "pid",
        lambda i, user: ProductFactory(pid=f"PID-{i}").pid.lower(),
        lambda r: r["pid"],
        ("pid", "x\x00y", "Null characters are not allowed"),
        answered=str.upper,
    ),
    ListCase(
        "/api/v1/catalog/releases/",
        "version",
        _release,
        lambda r: r["version"],
        ("software_type", "99999999999999999999", "whole number from 0 to 9223372036854775807"),
        answered=normalize,
    ),
    ListCase("/api/v1/catalog/images/", "name", _image, lambda r: r["name"], ("release", "1.5", "not a whole number")),
    ListCase(
        "/api/v1/catalog/standards/", "site", _standard, lambda r: r["site"], ("id", "-1", "not a whole number from 0")
    ),
    ListCase("/api/v1/catalog/families/", "key", _family, lambda r: r["key"], ("key", "a\x00", "Null characters")),
    ListCase(
        "/api/v1/catalog/refreshes/",
        "trigger",
        _refresh,
        lambda r: r["trigger"],
        ("state", "finished", "done_with_errors (done with errors)"),
    ),
    ListCase(
        "/api/v1/downloads/jobs/",
        "pid",
        _job,
        lambda r: r["pid"],
        ("state", "sleeping", "awaiting_compliance (Awaiting compliance)"),
        answered=str.upper,
    ),
    ListCase(
        "/api/v1/downloads/images/",
        "pid",
        _stored,
        lambda r: r["pid"],
        ("check_status", "fine", "ok (Verified), changed (Bytes changed), missing (File missing)"),
    ),
    ListCase(
        "/api/v1/compliance/decisions/",
        "version",
        _decision,
        lambda r: r["sub_app_version"],
        ("status", "maybe", "Accepted, Declined"),
    ),
    ListCase(
        "/api/v1/compliance/audit/",
        "version",
        _decision,
        lambda r: r["sub_app_version"],
        ("posted", "perhaps", "use true or false"),
    ),
    ListCase(
        "/api/v1/compliance/snapshots/",
        "version",
        _snapshot,
        lambda r: r["sub_app_version"],
        ("kind", "k10", "k9 (K9 (export)), eula (EULA (licence))"),
        linked=False,
    ),
    ListCase("/api/v1/webhooks/", "name", _webhook, lambda r: r["name"], ("enabled", "perhaps", "use true or false")),
    ListCase(
        "/api/v1/webhooks/deliveries/",
        "webhook",
        _delivery,
        lambda r: str(r["webhook"]),
        ("event", "download.exploded", "download.stored (A download job stored its verified image)"),
    ),
]
IDS = [case.path for case in CASES]


@pytest.fixture
def client(api_as, administrator, settings):
    settings.PORTAL_ALLOWED_WEBHOOK_HOSTS = ["127.0.0.1"]
    return api_as(administrator)


def _rows(case: ListCase, user: Any, count: int, start: int = 0) -> list[str]:
    return [case.make(i, user) for i in range(start, start + count)]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_several_values_of_a_filter_are_ored(client, administrator, case):
    values = _rows(case, administrator, 4)
    answer = client.get(case.path, {case.param: [values[0], values[2]]})
    assert answer.status_code == 200, answer.content
    found = sorted(case.of(row) for row in answer.json()["results"])
    assert found == sorted(case.answered(value) for value in (values[0], values[2]))
    one = client.get(case.path, {case.param: values[1]}).json()["results"]
    assert [case.of(row) for row in one] == [case.answered(values[1])]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_value_a_filter_cannot_read_is_a_400_naming_the_parameter(client, administrator, case):
    _rows(case, administrator, 2)
    param, value, words = case.bad
    answer = client.get(case.path, {param: value})
    assert answer.status_code == 400, answer.content
    body = answer.json()
    assert body["code"] == "invalid_input" and list(body["fields"]) == [param]
    assert words in body["fields"][param][0] and body["message"].startswith(f"{param}: ")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_object_has_url_and_display(client, administrator, case):
    _rows(case, administrator, 2)
    results = client.get(case.path).json()["results"]
    assert len(results) == 2
    for row in results:
        assert isinstance(row["display"], str) and row["display"].strip()
        if not case.linked:
            assert "url" not in row
            continue
        assert row["url"].startswith("http://testserver/api/v1/")
        detail = client.get(row["url"])
        assert detail.status_code == 200, row["url"]
        assert detail.json()["url"] == row["url"] and detail.json()["display"] == row["display"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_list_queries_do_not_grow_with_the_rows(client, administrator, case, django_assert_max_num_queries):
    _rows(case, administrator, 2)
    client.get(case.path)  # the token and the throttle settle
    fleet_changed()  # both measures count the rows afresh (the factories write rows directly, unannounced)
    with CaptureQueriesContext(connection) as few:
        assert client.get(case.path).status_code == 200
    _rows(case, administrator, 6, start=2)
    fleet_changed()
    with django_assert_max_num_queries(len(few)):
        answer = client.get(case.path, {"page_size": 100})
    assert answer.status_code == 200 and len(answer.json()["results"]) == 8
