"""Per-client rate limits: --qps and --daily-quota answer the spec's generic 403s (a modern gateway's 429s).

The per-second limit runs on its own clock; the tests freeze it (``POST /_sim/ratelimit {"freeze": true}``) so
that which call of a burst is refused does not depend on how fast a busy machine sends them, and step it to
open the next window.
"""

from __future__ import annotations

import pytest

from portal.cisco.errors import QPS_LIMIT_MESSAGE, RATE_LIMIT_MESSAGE
from tests.cisco.simulator.helpers import assert_gateway_error
from tests.fixtures.simulator import FAST_QPS, SAMPLE_CATALOG, VARIANTS


@pytest.fixture(params=["spec", "modern"])
def limited(request, simulator_factory):
    """The sample simulator (spec or modern gateway) at 5 calls per second, its per-second clock frozen."""
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, *VARIANTS[request.param])
    sim.reset()
    sim.token()  # the token endpoint is not rate limited
    sim.rate_limits(qps=5, freeze=True)
    yield sim
    sim.reset()


def test_the_sixth_call_within_a_second_is_refused_until_the_window_moves(limited):
    statuses = [limited.get("compliance/eula").status_code for _ in range(8)]
    assert statuses == [200] * 5 + [limited.rate_limit_status] * 3
    refused = limited.get("compliance/eula")
    body = assert_gateway_error(refused, limited.rate_limit_status, QPS_LIMIT_MESSAGE)
    assert body["errorMessage"] == (
        "The API key you are using has attempted to access the API too many times in one second."
    )
    if limited.gateway == "modern":
        assert refused.headers["Retry-After"] == "1"
    else:
        assert "Retry-After" not in refused.headers
    limited.rate_limits(advance=0.5)
    assert limited.get("compliance/eula").status_code == limited.rate_limit_status  # still the same second
    limited.rate_limits(advance=0.5)
    assert [limited.get("compliance/eula").status_code for _ in range(6)] == [200] * 5 + [limited.rate_limit_status]


def test_refused_calls_do_not_count(limited):
    for _ in range(5):
        limited.get("compliance/eula")
    for _ in range(20):
        limited.get("compliance/eula")  # refused, and not counted
    limited.rate_limits(advance=1.0)
    assert [limited.get("compliance/eula").status_code for _ in range(5)] == [200] * 5


def test_the_limit_is_per_client(limited):
    limited.session.post(f"{limited.url}/_sim/clients", json={"client_id": "b", "client_secret": "b-secret"}, timeout=5)
    for _ in range(6):
        limited.get("compliance/eula")
    other = type(limited)(limited.url, client_id="b", client_secret="b-secret")
    assert other.get("compliance/eula").status_code == 200


def test_daily_quota_refuses_until_the_next_day(limited):
    limited.rate_limits(qps=0, daily_quota=3)
    # Start at the beginning of a simulated day so the test cannot straddle midnight.
    now = limited.session.get(f"{limited.url}/_sim/clock", timeout=5).json()["now"]
    limited.advance_clock(86_400 - now % 86_400 + 1)
    limited.token()  # the old one expired on the way
    assert [limited.get("compliance/eula").status_code for _ in range(3)] == [200] * 3
    refused = limited.get("compliance/eula")
    assert_gateway_error(refused, limited.rate_limit_status, RATE_LIMIT_MESSAGE)
    if limited.gateway == "modern":
        assert 86_000 <= int(refused.headers["Retry-After"]) <= 86_400  # about a day: until the next one
    limited.advance_clock(86_400)
    limited.token()
    assert limited.get("compliance/eula").status_code == 200


def test_the_daily_quota_option(simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, "--daily-quota", "2")
    sim.reset()
    assert sim.rate_limits()["daily_quota"] == 2
    assert [sim.get("compliance/eula").status_code for _ in range(3)][-1] == 403


def test_reset_restores_the_started_limits_and_real_time(limited):
    limited.rate_limits(qps=1, daily_quota=7)
    limited.reset()
    assert limited.rate_limits() | {"now": 0} == {
        "qps": float(FAST_QPS),
        "daily_quota": None,
        "frozen": False,
        "now": 0,
    }


@pytest.mark.parametrize("body", [{"qps": -1}, {"qps": "fast"}, {"freeze": "yes"}, {"advance": -2}])
def test_bad_rate_limit_changes_are_refused(limited, body):
    response = limited.session.post(f"{limited.url}/_sim/ratelimit", json=body, timeout=5)
    assert response.status_code == 400 and response.json()["errorCode"] == "INVALID_INPUT"
