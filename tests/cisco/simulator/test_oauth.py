"""OAuth2 client credentials and Bearer tokens, as the spec's gateway table says."""

from __future__ import annotations

import requests

from portal.cisco.errors import NOT_AUTHORIZED
from tests.cisco.simulator.helpers import assert_gateway_error


def _token(sim, **kwargs):
    return requests.post(sim.token_url, timeout=10, **kwargs)


def test_token_with_form_fields(sample_simulator):
    response = _token(
        sample_simulator,
        data={"grant_type": "client_credentials", "client_id": "depot-demo", "client_secret": "depot-demo-secret"},
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    assert len(body["access_token"]) >= 32
    assert response.headers["Cache-Control"] == "no-store"


def test_token_with_http_basic(sample_simulator):
    response = _token(
        sample_simulator, data={"grant_type": "client_credentials"}, auth=("depot-demo", "depot-demo-secret")
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    api = requests.get(
        f"{sample_simulator.url}/software/v4.0/compliance/eula",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert api.status_code == 200


def test_wrong_secret_and_unknown_client_are_refused(sample_simulator):
    for client_id, secret in (("depot-demo", "nope"), ("someone", "depot-demo-secret")):
        response = _token(
            sample_simulator, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        )
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"


def test_other_grant_types_and_bodies_are_refused(sample_simulator):
    wrong_grant = _token(sample_simulator, data={"grant_type": "password"}, auth=("depot-demo", "depot-demo-secret"))
    assert (wrong_grant.status_code, wrong_grant.json()["error"]) == (400, "unsupported_grant_type")
    no_grant = _token(sample_simulator, data={}, auth=("depot-demo", "depot-demo-secret"))
    assert (no_grant.status_code, no_grant.json()["error"]) == (400, "invalid_request")
    as_json = _token(
        sample_simulator, json={"grant_type": "client_credentials"}, auth=("depot-demo", "depot-demo-secret")
    )
    assert as_json.status_code == 400


def test_api_calls_without_a_valid_bearer_token_get_403_not_authorized(sample_simulator):
    url = f"{sample_simulator.url}/software/v4.0/compliance/k9"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic ZGVwb3QtZGVtbzp4"}):
        body = assert_gateway_error(requests.get(url, headers=headers, timeout=10), 403, NOT_AUTHORIZED)
        assert body["errorMessage"] == "Token is invalid."


def test_token_expires_after_3599_seconds_of_simulated_time(sample_simulator):
    sample_simulator.token()
    sample_simulator.advance_clock(3590)
    assert sample_simulator.get("compliance/eula").status_code == 200
    sample_simulator.advance_clock(10)
    assert_gateway_error(sample_simulator.get("compliance/eula"), 403, NOT_AUTHORIZED)
    sample_simulator.token()  # a fresh token works again
    assert sample_simulator.get("compliance/eula").status_code == 200


def test_reset_keeps_tokens_unless_asked(sample_simulator):
    sample_simulator.token()
    sample_simulator.reset()
    assert sample_simulator.get("compliance/eula").status_code == 200
    old = sample_simulator.auth_headers()
    sample_simulator.reset(tokens=True)
    response = requests.get(f"{sample_simulator.url}/software/v4.0/compliance/eula", headers=old, timeout=10)
    assert response.status_code == 403


def test_clients_from_the_command_line_replace_the_demo_client(simulator_factory):
    from tests.fixtures.simulator import SAMPLE_CATALOG

    sim = simulator_factory(SAMPLE_CATALOG, "--client", "ops:s3cret:with:colons", "--client", "lab:lab-secret")
    sim.client_id, sim.client_secret = "ops", "s3cret:with:colons"
    assert sim.get("compliance/k9").json()["userDetails"]["userId"] == "ops"
    demo = _token(sim, data={"grant_type": "client_credentials"}, auth=("depot-demo", "depot-demo-secret"))
    assert demo.status_code == 401
