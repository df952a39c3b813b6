"""Per-client rate limits: --qps and --daily-quota answer the spec's generic 403s."""

from __future__ import annotations

import time

import pytest

from portal.cisco.errors import QPS_LIMIT_MESSAGE, RATE_LIMIT_MESSAGE
from tests.cisco.simulator.helpers import assert_gateway_error
from tests.fixtures.simulator import SAMPLE_CATALOG


@pytest.fixture
def qps5(simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", "5")
    sim.reset()
    sim.token()  # the token endpoint is not rate limited
    return sim


def test_more_than_qps_calls_in_a_second_get_403(qps5):
    time.sleep(1.05)  # an empty window, whatever ran before
    statuses = [qps5.get("compliance/eula") for _ in range(12)]
    assert [r.status_code for r in statuses[:5]] == [200] * 5
    refused = [r for r in statuses if r.status_code == 403]
    assert refused, "12 calls in a burst never hit a limit of 5 per second"
    body = assert_gateway_error(refused[0], 403, QPS_LIMIT_MESSAGE)
    assert (
        body["errorMessage"]
        == "The API key you are using has attempted to access the API too many times in one second."
    )
    time.sleep(1.05)
    assert qps5.get("compliance/eula").status_code == 200


def test_the_limit_is_per_client(qps5):
    qps5.session.post(f"{qps5.url}/_sim/clients", json={"client_id": "b", "client_secret": "b-secret"}, timeout=5)
    time.sleep(1.05)
    for _ in range(6):
        qps5.get("compliance/eula")
    other = type(qps5)(qps5.url, client_id="b", client_secret="b-secret")
    assert other.get("compliance/eula").status_code == 200


def test_daily_quota_gives_account_over_rate_limit_until_the_next_day(simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--daily-quota", "3", "--qps", "1000")
    sim.reset()
    # Start at the beginning of a simulated day so the test cannot straddle midnight.
    now = sim.session.get(f"{sim.url}/_sim/clock", timeout=5).json()["now"]
    sim.advance_clock(86_400 - now % 86_400 + 1)
    assert [sim.get("compliance/eula").status_code for _ in range(3)] == [200] * 3
    assert_gateway_error(sim.get("compliance/eula"), 403, RATE_LIMIT_MESSAGE)
    sim.advance_clock(86_400)
    sim.token()
    assert sim.get("compliance/eula").status_code == 200
