"""The catalog API: products, releases, images, standards, recommendations, report, refreshes, look-ups."""

from __future__ import annotations

import pytest

from portal.catalog.choices import CatalogState, PairState, RefreshTrigger
from portal.catalog.models import CatalogRefresh, CatalogRefreshPair, StandardRelease
from portal.catalog.selectors import NO_CURRENT_RELEASE_NOTE, PairStatus
from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.services.refresh import catalog_refresh_queue, catalog_refresh_run_inline, inventory_pairs
from tests.factories_inventory import DeviceFactory, catalog_of

pytestmark = pytest.mark.django_db

ROWS = [("17.3.8a", "suggested"), ("17.9.1", "deferred", "deleted"), ("17.9.4", "psirt"), ("17.12.4", "suggested")]


@pytest.fixture
def releases():
    return catalog_of("C9300-24P", ROWS)


def test_products_and_their_releases_in_cisco_order(api_as, engineer, releases):
    DeviceFactory.create_batch(2)
    api = api_as(engineer)
    products = api.get("/api/v1/catalog/products/?q=C9300").json()["results"]
    assert products[0]["pid"] == "C9300-24P" and products[0]["release_count"] == 4 and products[0]["device_count"] == 2
    body = api.get("/api/v1/catalog/products/C9300-24P/releases/?above=17.3.8a").json()
    assert [r["version"] for r in body["results"]] == ["17.12.4", "17.9.4", "17.9.1"]
    release = body["results"][0]
    assert release["is_suggested"] and release["images"][0]["sha512"] and release["metadata_trans_id"]
    suggested = api.get("/api/v1/catalog/products/C9300-24P/releases/?suggested=true").json()["results"]
    assert [r["version"] for r in suggested] == ["17.12.4", "17.3.8a"]


def test_release_and_image_endpoints(api_as, engineer, releases):
    api = api_as(engineer)
    rows = api.get("/api/v1/catalog/releases/?pid=C9300-24P&above=17.9.1").json()["results"]
    assert [r["version"] for r in rows] == ["17.12.4", "17.9.4"]
    deferred = api.get(f"/api/v1/catalog/releases/{releases['17.9.1'].pk}/").json()
    assert deferred["is_deferred"] and deferred["is_deleted"]
    image = releases["17.12.4"].images.get()
    found = api.get(f"/api/v1/catalog/images/?name={image.name}").json()["results"]
    assert (
        found[0]["guid"] == image.guid and found[0]["pid"] == "C9300-24P" and found[0]["release_version"] == "17.12.4"
    )


def test_image_exception_messages_are_plain_text(api_as, engineer, releases):
    image = releases["17.12.4"].images.get()
    image.exceptions = [{"code": "IAC_ERROR", "message": 'Go to <a href="https://x">ART</a><script>alert(1)</script>'}]
    image.save()
    body = api_as(engineer).get(f"/api/v1/catalog/images/{image.pk}/").json()
    assert body["exceptions"] == [{"code": "IAC_ERROR", "message": "Go to ART"}]


def test_standards_crud_recomputes_recommendations(api_as, engineer, releases):
    device = DeviceFactory(current_release="17.3.8a", role="core")
    recommendations_recompute()
    api = api_as(engineer)
    created = api.post("/api/v1/catalog/standards/", {"release": releases["17.9.4"].pk, "role": "core"})
    assert created.status_code == 201, created.content
    assert created.json()["scope_text"] == "C9300-24P, role core" and created.json()["pid"] == "C9300-24P"
    rec = api.get(f"/api/v1/devices/{device.pk}/recommendation/").json()
    assert rec["target_release"] == "17.9.4" and rec["reason"] == "standard"
    bad = api.post("/api/v1/catalog/standards/", {"release": releases["17.9.1"].pk})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_standard"
    standard_id = created.json()["id"]
    moved = api.patch(f"/api/v1/catalog/standards/{standard_id}/", {"release": releases["17.12.4"].pk})
    assert moved.status_code == 200 and moved.json()["version"] == "17.12.4"
    assert api.delete(f"/api/v1/catalog/standards/{standard_id}/").status_code == 204
    assert not StandardRelease.objects.exists()


def test_officer_cannot_set_standards(api_as, officer, releases):
    response = api_as(officer).post("/api/v1/catalog/standards/", {"release": releases["17.9.4"].pk})
    assert response.status_code == 403


def test_recommendations_and_report(api_as, engineer, releases):
    DeviceFactory.create_batch(2, current_release="17.3.8a", site="ber1")
    DeviceFactory(current_release="17.12.4", site="lon1")
    recommendations_recompute()
    api = api_as(engineer)
    recs = api.get("/api/v1/catalog/recommendations/?status=upgrade_available").json()
    assert recs["count"] == 2
    assert recs["results"][0]["reason_text"] == "17.12.4 is the newest suggested release above 17.3.8a."
    report = api.get("/api/v1/catalog/report/").json()
    assert report["counts"]["total"] == 3 and report["counts"]["upgrade_available"] == 2
    assert report["by_os_family"]["labels"] == ["IOS XE"]
    by_site = api.get("/api/v1/catalog/report/?site=lon1").json()
    assert by_site["counts"]["total"] == 1
    csv_body = b"".join(api.get("/api/v1/catalog/report/?export=csv").streaming_content).decode()
    assert csv_body.splitlines()[0].startswith("hostname,pid,site") and len(csv_body.splitlines()) == 4


def test_device_releases_endpoint(api_as, engineer, releases):
    device = DeviceFactory(current_release="17.9.4")
    api = api_as(engineer)
    assert [r["version"] for r in api.get(f"/api/v1/devices/{device.pk}/releases/").json()["results"]] == ["17.12.4"]
    every = api.get(f"/api/v1/devices/{device.pk}/releases/?all=true").json()
    assert every["count"] == 4 and every["next"] is None
    assert [r["version"] for r in every["results"]] == ["17.12.4", "17.9.4", "17.9.1", "17.3.8a"]


def _catalog(api, device) -> tuple[str | None, str]:
    """The device releases answer's ``catalog_state`` and ``catalog_note`` (beside the usual page keys)."""
    body = api.get(f"/api/v1/devices/{device.pk}/releases/").json()
    assert set(body) == {"count", "next", "previous", "results", "catalog_state", "catalog_note"}
    return body["catalog_state"], body["catalog_note"]


def _queue(device) -> CatalogRefresh:
    return catalog_refresh_queue(pairs=inventory_pairs(device_ids=[device.pk]), trigger=RefreshTrigger.API).refresh


def _failure(refresh: CatalogRefresh) -> str:
    """What the pair of a refresh the upstream refused got, as the note words it."""
    pair = refresh.pairs.get()
    assert (pair.state, pair.error_code, pair.http_status) == (PairState.FAILED, "Bad Request", 400)
    message = f" — {pair.error_message}" if pair.error_message else ""
    return f"Bad Request (HTTP 400){message} (refresh #{refresh.pk})"


def _minute(refresh: CatalogRefresh) -> str:
    return f"{refresh.pairs.get().finished_at:%Y-%m-%d %H:%M} UTC"


def test_device_releases_say_whether_the_list_is_complete(api_as, engineer, releases, upstream):
    device = DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    api = api_as(engineer)
    assert _catalog(api, device) == (
        "not_fetched",
        "Not fetched yet: no refresh has asked the upstream about this pair; the list may be incomplete.",
    )

    queued = _queue(device)
    assert _catalog(api, device) == (
        "fetching",
        f"Not fetched yet: a refresh of this pair is queued (refresh #{queued.pk}); the list may be incomplete.",
    )

    upstream.sim.fault("metadata/pidrelease", kind="status", status=400, count=1)
    catalog_refresh_run_inline(refresh_id=queued.pk)
    assert _catalog(api, device) == (
        "failed",
        f"The last refresh of this pair failed: {_failure(queued)}; the list may be incomplete.",
    )

    again = _queue(device)
    catalog_refresh_run_inline(refresh_id=again.pk)
    assert _catalog(api, device) == (
        "fetched",
        f"Complete: the upstream listed the releases above 17.3.8a on {_minute(again)} (refresh #{again.pk}).",
    )


def test_a_failed_refresh_after_an_answer_says_which_answer_the_list_is(api_as, engineer, releases, upstream):
    device = DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    first = catalog_refresh_run_inline(refresh_id=_queue(device).pk)
    api = api_as(engineer)
    queued = _queue(device)
    assert _catalog(api, device) == (
        "fetching",
        f"Being refreshed: a refresh of this pair is queued (refresh #{queued.pk}); until it ends the list is the "
        f"upstream's answer on {_minute(first)} (refresh #{first.pk}).",
    )
    upstream.sim.fault("metadata/pidrelease", kind="status", status=400, count=1)
    catalog_refresh_run_inline(refresh_id=queued.pk)
    assert _catalog(api, device) == (
        "failed",
        f"The last refresh of this pair failed: {_failure(queued)}; the list is the upstream's answer on "
        f"{_minute(first)} (refresh #{first.pk}) and may be out of date.",
    )


def test_device_releases_without_a_current_release_have_no_catalog_state(api_as, engineer, releases):
    device = DeviceFactory(pid="C9300-24P", current_release="")
    assert _catalog(api_as(engineer), device) == (None, NO_CURRENT_RELEASE_NOTE)


@pytest.mark.parametrize(
    ("pair_state", "catalog_state"),
    [
        (PairState.QUEUED, CatalogState.FETCHING),
        (PairState.RUNNING, CatalogState.FETCHING),
        (PairState.DONE, CatalogState.FETCHED),
        (PairState.NO_DATA, CatalogState.FETCHED),
        (PairState.FAILED, CatalogState.FAILED),
    ],
)
def test_the_catalog_state_of_a_pair_follows_its_latest_query(pair_state, catalog_state):
    latest = CatalogRefreshPair(pid="C9300-24P", current_release="17.3.8a", state=pair_state, refresh_id=7)
    status = PairStatus(latest, None)
    assert status.state == catalog_state and status.complete == (catalog_state == CatalogState.FETCHED)
    assert "(refresh #7)" in status.note
    assert PairStatus(None, None).state == CatalogState.NOT_FETCHED


def test_refresh_start_answers_202_and_polls(api_as, engineer):
    DeviceFactory()
    api = api_as(engineer)
    response = api.post("/api/v1/catalog/refreshes/")
    assert response.status_code == 202
    body = response.json()
    assert body["pairs_total"] == 1 and body["state"] == "queued" and response["Location"].endswith(f"/{body['id']}/")
    again = api.post("/api/v1/catalog/refreshes/")
    assert again.json()["id"] == body["id"]
    assert api.get(f"/api/v1/catalog/refreshes/{body['id']}/").json()["percent"] == 0
    assert CatalogRefresh.objects.count() == 1


def test_officer_cannot_start_a_refresh(api_as, officer):
    assert api_as(officer).post("/api/v1/catalog/refreshes/").status_code == 403


def test_image_search_and_status_through_the_api(api_as, engineer, upstream):
    api = api_as(engineer)
    found = api.post(
        "/api/v1/catalog/images/search/",
        {"pid": "N9K-C93180YC-FX", "image_names": ["nxos64-cs.10.3.5.M.bin"]},
        format="json",
    )
    assert found.status_code == 200, found.content
    assert [r["version"] for r in found.json()["releases"]] == ["10.3(5)M"]
    status = api.post("/api/v1/catalog/images/status/", {"image_names": ["nxos64-cs.10.3.5.M.bin", "nope.bin"]})
    rows = {r["name"]: r for r in status.json()}
    assert rows["nope.bin"]["known"] is False and rows["nxos64-cs.10.3.5.M.bin"]["is_deleted"] is False


def test_upstream_answers_keep_their_code_and_map_to_a_status(api_as, engineer, upstream):
    api = api_as(engineer)
    search = {"pid": "NOT-A-PID", "image_names": ["x.bin"]}
    unknown = api.post("/api/v1/catalog/images/search/", search, format="json")
    assert unknown.status_code == 404  # the upstream has no data for the question asked: not a failure of ours
    assert unknown.json()["code"] == "NO_DATA_FOUND_FOR_PID"
    assert unknown.json()["message"].startswith("The upstream answered: ")
    upstream.sim.fault("metadata/images", kind="status", status=503, count=5)
    down = api.post("/api/v1/catalog/images/status/", {"image_names": ["x.bin"]}, format="json")
    assert down.status_code == 503 and down.json()["code"] == "API Maintenance/Service Unavailable", down.content
