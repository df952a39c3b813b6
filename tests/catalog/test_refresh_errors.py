"""A refresh explains each failed pair where the user looks (the refresh page and the API) with the upstream's code
and message, or the connection error, redacted; "retry the failed pairs" asks again for just those; upstream calls
count only what reached the upstream. Against the simulator over real HTTP."""

from __future__ import annotations

import socket

import pytest

from portal.catalog.choices import PairState, RefreshState, RefreshTrigger
from portal.catalog.models import CatalogRefresh, Image
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from tests.factories_inventory import DeviceFactory
from tests.fixtures.upstream import aim_settings, upstream_env

pytestmark = pytest.mark.django_db

PIDRELEASE = "/software/v4.0/metadata/pidrelease"


def _run() -> CatalogRefresh:
    refresh, _ = catalog_refresh_start(enqueue=False)
    return catalog_refresh_run_inline(refresh_id=refresh.pk)


def _calls(sim) -> int:
    return sum(entry["path"] == PIDRELEASE for entry in sim.log())


@pytest.fixture
def one_call_a_day(simulator_factory, settings):
    """Depot aimed at a simulator that answers one API call per day, then 403 "Account Over Rate Limit"."""
    sim = simulator_factory(None, "--qps", "10000", "--daily-quota", "1")
    sim.reset()
    aim_settings(settings, upstream_env(sim.url, sim.token_url, sim.client_id, sim.client_secret))
    return sim


def test_a_refused_shared_query_fails_its_pairs_with_the_upstream_answer(one_call_a_day, api_as, engineer, client):
    DeviceFactory(pid="C9200-24P", current_release="17.3.8a")  # asked first (PIDs in order): the day's one call
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.9.4")
    refresh = _run()

    assert refresh.state == RefreshState.DONE_WITH_ERRORS
    assert refresh.pairs_failed == 2 and refresh.pairs_done == 3
    assert refresh.calls == _calls(one_call_a_day) == 2  # the refused query reached the upstream: it counts
    lead, other = refresh.pairs.filter(pid="C9300-24P").order_by("current_release")
    quota = "Account Over Rate Limit"
    assert (lead.state, lead.error_code, lead.http_status) == (PairState.FAILED, quota, 403)
    assert "too many times" in lead.error_message and lead.answered_by_id is None
    # The upstream refused us, not the question: the other pair is not asked again, it fails with the same answer.
    assert (other.state, other.error_code, other.answered_by_id) == (PairState.FAILED, quota, lead.pk)

    body = api_as(engineer).get(f"/api/v1/catalog/refreshes/{refresh.pk}/").json()
    assert body["state"] == "done_with_errors" and body["calls"] == 2 and body["pairs_failed"] == 2
    assert body["failed_pairs"] == [
        {"display": "C9300-24P @ 17.3.8a", "pid": "C9300-24P", "current_release": "17.3.8a", "devices": 1,
         "error_code": quota,
         "error_message": lead.error_message, "http_status": 403, "shared": False},
        {"display": "C9300-24P @ 17.9.4", "pid": "C9300-24P", "current_release": "17.9.4", "devices": 1,
         "error_code": quota,
         "error_message": lead.error_message, "http_status": 403, "shared": True},
    ]  # fmt: skip

    client.force_login(engineer)
    page = client.get(f"/catalog/refresh/{refresh.pk}/progress/").content.decode()
    assert f"C9300-24P 17.3.8a</strong>: {quota} (HTTP 403) — {lead.error_message}" in page
    assert "2 upstream calls" in page and 'id="refresh-retry"' in page and "Retry the failed pairs" in page


def test_a_refused_question_lets_the_other_pairs_ask_by_themselves(upstream):
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.9.4")
    upstream.sim.fault("metadata/pidrelease", kind="status", status=400, count=1)
    refresh = _run()

    lead, other = refresh.pairs.order_by("current_release")
    assert lead.state == PairState.FAILED and lead.http_status == 400 and lead.error_code
    assert other.state == PairState.DONE and other.answered_by_id is None and other.calls == 1
    assert refresh.calls == _calls(upstream.sim) == 2


def test_connection_refused_is_no_call_and_says_why(upstream, settings, api_as, engineer):
    with socket.socket() as sock:  # a port nothing listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    secret = "s3cr3t-never-shown"
    aim_settings(settings, upstream_env(url, f"{url}/oauth2/default/v1/token", "depot", secret))
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9200-24P", current_release="17.3.8a")
    refresh = _run()

    assert refresh.state == RefreshState.DONE_WITH_ERRORS and refresh.pairs_failed == 2
    assert refresh.calls == 0  # nothing reached an upstream
    for pair in refresh.pairs.all():
        assert pair.calls == 0 and pair.http_status is None
        assert "Connection refused" in pair.error_message and pair.error_code
    text = api_as(engineer).get(f"/api/v1/catalog/refreshes/{refresh.pk}/").content.decode()
    assert "Connection refused" in text and secret not in text


def test_retry_asks_again_for_just_the_failed_pairs(one_call_a_day, api_as, engineer, officer):
    DeviceFactory(pid="C9200-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    failed = _run()
    assert failed.pairs_failed == 1
    api = api_as(engineer)

    assert api_as(officer).post(f"/api/v1/catalog/refreshes/{failed.pk}/retry/").status_code == 403
    one_call_a_day.reset()  # a new day
    response = api.post(f"/api/v1/catalog/refreshes/{failed.pk}/retry/")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["trigger"] == RefreshTrigger.RETRY and body["retry_of"] == failed.pk and body["pairs_total"] == 1
    assert response["Location"].endswith(f"/api/v1/catalog/refreshes/{body['id']}/")

    retry = catalog_refresh_run_inline(refresh_id=body["id"])
    assert retry.state == RefreshState.DONE and retry.calls == _calls(one_call_a_day) == 1
    assert list(retry.pairs.values_list("pid", "state")) == [("C9300-24P", PairState.DONE)]

    again = api.post(f"/api/v1/catalog/refreshes/{retry.pk}/retry/")
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_retry"


def test_retry_of_a_running_refresh_is_refused(api_as, engineer):
    DeviceFactory()
    refresh, _ = catalog_refresh_start(enqueue=False)
    response = api_as(engineer).post(f"/api/v1/catalog/refreshes/{refresh.pk}/retry/")
    assert response.status_code == 409 and response.json()["code"] == "refresh_running"
    assert api_as(engineer).post("/api/v1/catalog/refreshes/999999/retry/").status_code == 404


def test_retry_button_on_the_page(one_call_a_day, client, engineer):
    DeviceFactory(pid="C9200-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    failed = _run()
    client.force_login(engineer)
    page = client.post(f"/catalog/refresh/{failed.pk}/retry/", follow=True).content.decode()
    retry = CatalogRefresh.objects.exclude(pk=failed.pk).get()
    assert f"Refresh #{retry.pk} started over 1 (PID, release) pair." in page
    assert retry.retry_of_id == failed.pk
    refused = client.post(f"/catalog/refresh/{failed.pk}/retry/", follow=True).content.decode()
    assert f"Refresh #{retry.pk} is already running and holds these pairs." in refused


def test_pairs_asked_for_while_a_refresh_runs_join_it():
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    first, created = catalog_refresh_start(enqueue=False)
    DeviceFactory(pid="C9300-24P", current_release="17.9.4")
    again, created_again = catalog_refresh_start(enqueue=False)
    assert created and not created_again and again.pk == first.pk
    assert again.pairs_total == 2 and set(again.pairs.values_list("current_release", flat=True)) == {
        "17.3.8a",
        "17.9.4",
    }
    assert CatalogRefresh.objects.count() == 1


def test_every_answer_counts_as_a_call_retries_included(upstream):
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    upstream.sim.fault("metadata/pidrelease", kind="status", status=503, count=2)
    refresh = _run()

    assert refresh.state == RefreshState.DONE
    statuses = [entry["status"] for entry in upstream.sim.log() if entry["path"] == PIDRELEASE]
    assert statuses == [503, 503, 200]  # the client retried the two maintenance answers
    assert refresh.calls == refresh.pairs.get().calls == 3


def test_hostile_upstream_text_is_stored_plain_and_shown_escaped(one_call_a_day, api_as, engineer, client):
    one_call_a_day.hostile(errors=True, exceptions=True)
    DeviceFactory(pid="DS-C9148S-K9", current_release="3.2(1)")  # the day's one call: an image exception, hostile
    DeviceFactory(pid="WS-C2960X-48FPD-L", current_release="15.2(2)E")  # refused, with a hostile error message
    refresh = _run()

    pair = refresh.pairs.get(state=PairState.FAILED)
    assert "too many times" in pair.error_message
    for bad in ("<script", "<img", "\x00", "\x1b", "javascript:"):
        assert bad not in pair.error_message
    images = Image.objects.filter(release__product__pid="DS-C9148S-K9")
    stored = [e["message"] for image in images for e in image.exceptions]
    assert stored and all("\x00" not in message and "\x1b" not in message for message in stored)
    client.force_login(engineer)
    page = client.get(f"/catalog/refresh/{refresh.pk}/").content.decode()
    for tag in ("<script>alert", "<img src=x", "<iframe", '<a href="javascript'):
        assert tag not in page  # upstream markup never reaches the page as markup
    body = api_as(engineer).get(f"/api/v1/catalog/refreshes/{refresh.pk}/").json()
    assert body["failed_pairs"][0]["error_message"] == pair.error_message


def test_a_crash_in_depot_fails_the_pairs_and_closes_the_refresh(upstream, monkeypatch):
    from portal.catalog.services import refresh_run

    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.9.3")  # would ask by itself
    DeviceFactory(pid="C9200-24P", current_release="17.3.8a")

    def crash(**kwargs):
        raise ZeroDivisionError("injected")

    monkeypatch.setattr(refresh_run, "catalog_records_store", crash)
    refresh = _run()

    assert refresh.state == RefreshState.DONE_WITH_ERRORS  # closed: nothing left claimed
    assert refresh.pairs_done == 3 and refresh.pairs_failed == 3
    for pair in refresh.pairs.all():
        assert pair.state == PairState.FAILED and pair.error_code == "internal_error"
        assert "ZeroDivisionError" in pair.error_message and "injected" not in pair.error_message
