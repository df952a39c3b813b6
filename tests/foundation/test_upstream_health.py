"""The upstream's health, from real calls over HTTP: /healthz names it, pages show engineers and officers a banner.

The simulator is faulted (503 on every attempt), refuses the credentials, or is stopped; then answers again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from portal.catalog.choices import RefreshState
from portal.catalog.models import CatalogRefresh
from portal.cisco.exceptions import AuthenticationFailed, NoDataFound, UpstreamUnavailable
from portal.cisco.provider import get_client
from portal.core import upstream as upstream_health
from tests.fixtures.simulator import start_simulator
from tests.fixtures.upstream import aim_settings, upstream_env

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_upstream_status():
    """A shared (Redis) cache outlives a test: no recorded status or probe may leak into the next one."""
    yield
    cache.delete(upstream_health._status_key())


def _fail_every_attempt(sim) -> None:
    # More than the client's retries (5 attempts), so the call itself fails.
    sim.fault("metadata/pidrelease", kind="status", status=503, count=50)


def _release_call():
    return get_client().releases(pid="C9300-24P", current_release="17.9.4a")


def test_a_failing_upstream_shows_a_banner_with_reason_and_since_until_it_answers(upstream, client, engineer):
    client.force_login(engineer)
    assert 'id="upstream-banner"' not in client.get("/").content.decode()
    _fail_every_attempt(upstream.sim)
    with pytest.raises(UpstreamUnavailable):
        _release_call()
    with pytest.raises(UpstreamUnavailable):
        _release_call()

    status = upstream_health.upstream_status()
    assert status.failing and status.failures == 2
    assert "503" in status.reason
    page = client.get("/devices/").content.decode()
    assert 'id="upstream-banner"' in page
    assert status.failing_since.strftime("%Y-%m-%d %H:%M") in page
    assert "2 failed calls" in page and "503" in page

    upstream.sim.clear_faults()
    _release_call()
    assert not upstream_health.upstream_status().failing
    assert 'id="upstream-banner"' not in client.get("/devices/").content.decode()


def test_an_application_error_is_an_answer_not_a_failure(upstream):
    with pytest.raises(NoDataFound):
        get_client().releases(pid="NO-SUCH-PID-X", current_release="1.0")
    status = upstream_health.upstream_status()
    assert not status.failing and status.last_success is not None


def test_officers_see_the_banner_and_users_without_a_role_do_not(upstream, client, officer, nobody):
    _fail_every_attempt(upstream.sim)
    with pytest.raises(UpstreamUnavailable):
        _release_call()
    client.force_login(officer)
    assert 'id="upstream-banner"' in client.get("/compliance/").content.decode()
    client.force_login(nobody)
    assert 'id="upstream-banner"' not in client.get("/").content.decode()


def test_refused_credentials_are_shown_without_the_secret(upstream, settings, client, engineer):
    secret = "wrong-secret-Zq81xTTl0p"
    upstream.sim.reset(tokens=True)  # a token shared in the cache by an earlier test is refused now
    aim_settings(settings, {**upstream.env, "PORTAL_CLIENT_SECRET": secret})
    with pytest.raises(AuthenticationFailed):
        _release_call()
    status = upstream_health.upstream_status()
    assert status.failing and "AuthenticationFailed" in status.reason
    client.force_login(engineer)
    page = client.get("/").content.decode()
    assert 'id="upstream-banner"' in page and secret not in page
    assert secret not in client.get("/healthz").content.decode()


def test_healthz_is_degraded_not_unhealthy_when_the_upstream_fails(upstream, client):
    _fail_every_attempt(upstream.sim)
    with pytest.raises(UpstreamUnavailable):
        _release_call()
    response = client.get("/healthz")
    assert response.status_code == 200  # the database and broker are the gates for a load balancer
    body = response.json()
    assert body["status"] == "degraded"
    assert body["failing"] == []
    assert body["degraded"] == ["upstream"]
    assert body["checks"]["upstream"]["gate"] is False
    assert "503" in body["checks"]["upstream"]["detail"]
    assert body["checks"]["upstream_token"]["ok"] is True  # the token endpoint itself answers


def test_healthz_names_an_unreachable_token_endpoint(settings, client):
    sim = start_simulator()
    try:
        env = upstream_env(sim.url, f"{sim.url}/oauth2/default/v1/token", "depot-demo", "depot-demo-secret")
        aim_settings(settings, env)
        assert client.get("/healthz").json()["checks"]["upstream_token"]["ok"] is True
        cache.delete(upstream_health._key(upstream_health.PROBE_KEY, settings.PORTAL_TOKEN_URL))
        sim.stop()
        with pytest.raises(UpstreamUnavailable):
            _release_call()
        response = client.get("/healthz")
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "degraded"
        assert set(body["degraded"]) == {"upstream_token", "upstream"}
        assert "cannot reach" in body["checks"]["upstream_token"]["detail"]
    finally:
        sim.stop()


def test_healthz_names_a_catalog_refresh_that_missed_pairs(client):
    now = dt.datetime.now(dt.UTC)
    CatalogRefresh.objects.create(state=RefreshState.DONE, pairs_total=4, pairs_done=4, finished_at=now)
    assert client.get("/healthz").json()["checks"]["catalog_refresh"]["ok"] is True
    later = now + dt.timedelta(minutes=5)
    CatalogRefresh.objects.create(
        state=RefreshState.DONE_WITH_ERRORS, pairs_total=16, pairs_done=16, pairs_failed=3, finished_at=later
    )
    body = client.get("/healthz").json()
    assert "catalog_refresh" in body["degraded"]
    assert "3 of 16 pairs failed" in body["checks"]["catalog_refresh"]["detail"]


def test_a_check_that_raises_reports_itself_failing(client, monkeypatch):
    from portal.core import health

    def broken() -> health.Check:
        raise RuntimeError("boom")

    monkeypatch.setitem(health._registry, "broken", health.Registered(broken, gate=False))
    body = client.get("/healthz").json()
    assert body["checks"]["broken"] == {"ok": False, "gate": False, "detail": "RuntimeError: the check itself failed"}
