"""--gateway modern: refused tokens answer 401 (WWW-Authenticate), rate limits 429 with Retry-After; the default
keeps the spec's 403s."""

from __future__ import annotations

import pytest
import requests

from portal.cisco.errors import NOT_AUTHORIZED
from tests.cisco.simulator.helpers import assert_gateway_error, offer
from tests.fixtures.simulator import FAST_QPS, SAMPLE_CATALOG, VARIANTS


@pytest.fixture(params=["spec", "modern"])
def gateway(request, simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, *VARIANTS[request.param])
    sim.reset()
    yield sim
    sim.reset()


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_a_missing_or_unknown_token_is_refused(gateway, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = requests.get(gateway.api_url("compliance/eula"), headers=headers, timeout=10)
    body = assert_gateway_error(response, gateway.token_refusal_status, NOT_AUTHORIZED)
    assert body["httpStatus"] == gateway.token_refusal_status and body["errorMessage"] == "Token is invalid."
    challenge = response.headers.get("WWW-Authenticate", "")
    assert ('error="invalid_token"' in challenge) == (gateway.gateway == "modern")


def test_an_expired_token_is_refused(gateway):
    assert gateway.get("compliance/eula").status_code == 200
    gateway.advance_clock(3600)
    assert_gateway_error(gateway.get("compliance/eula"), gateway.token_refusal_status, NOT_AUTHORIZED)


def test_a_default_download_url_with_a_bad_access_token_is_refused_the_same_way(gateway):
    gateway.accept_forms()
    url = offer(gateway, "sim-plain.bin")["url"]
    refused = requests.get(f"{url}&access_token=wrong", allow_redirects=False, timeout=10)
    assert_gateway_error(refused, gateway.token_refusal_status, NOT_AUTHORIZED)
    good = requests.get(f"{url}&access_token={gateway._token}", allow_redirects=False, timeout=10)
    assert good.status_code == 302


def test_the_token_endpoint_is_oauth_in_both(gateway):
    response = requests.post(
        gateway.token_url, data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}, timeout=10
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_the_two_options_combine(simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, "--gateway", "modern", "--strict")
    sim.reset()
    assert requests.get(sim.api_url("compliance/eula"), timeout=10).status_code == 401
    refused = sim.post("metadata/images", {"imagenames": ["sim-plain.bin"]})
    assert refused.status_code == 400 and "spells it imageNames" in refused.json()["detail"]
