"""Every fault of the simulator's switchboard is retried or reported as the rules say (API calls)."""

from __future__ import annotations

import pytest

from portal.cisco import errors
from portal.cisco.exceptions import AuthenticationFailed, QuotaExhausted, UpstreamUnavailable
from portal.cisco.ratelimit import NoRateLimit
from tests.fixtures.simulator import FAST_QPS, SAMPLE_CATALOG, VARIANTS

from .conftest import FAST_RETRY, api_requests

PATH = "/metadata/images"
NAMES = ["sim-plain.bin"]


def retries(caplog) -> int:
    return len([r for r in caplog.records if r.name == "portal.cisco.transport" and "retry in" in r.getMessage()])


@pytest.mark.parametrize("status", [500, 502, 503, 504, 596])
def test_server_errors_are_retried_until_they_pass(sample_simulator, make_client, status):
    client = make_client(sample_simulator)
    sample_simulator.fault(PATH, kind="status", status=status, count=2)
    assert client.image_status(image_names=NAMES).images
    assert [e["status"] for e in api_requests(sample_simulator, PATH)] == [status, status, 200]


def test_server_errors_beyond_the_budget_are_reported(sample_simulator, make_client):
    client = make_client(sample_simulator)
    sample_simulator.fault(PATH, kind="status", status=503, count=50)
    with pytest.raises(UpstreamUnavailable) as info:
        client.image_status(image_names=NAMES)
    assert info.value.http_status == 503 and info.value.attempts == FAST_RETRY.max_attempts
    assert len(api_requests(sample_simulator, PATH)) == FAST_RETRY.max_attempts


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("hold", {}),  # no answer until released: the read timeout ends the attempt
        ("truncate", {"after_bytes": 10}),
        ("corrupt", {"after_bytes": 0}),
        ("drop", {}),
    ],
)
def test_broken_answers_are_retried(sample_simulator, make_client, caplog, kind, options):
    client = make_client(sample_simulator, read_timeout=1)
    sample_simulator.fault(PATH, kind=kind, count=1, **options)
    result = client.image_status(image_names=NAMES)
    assert result.images[0].image_name == "sim-plain.bin"
    assert retries(caplog) == 1


def test_token_endpoint_faults_are_retried(sample_simulator, make_client, caplog):
    client = make_client(sample_simulator)
    sample_simulator.fault("/oauth2/", kind="status", status=503, count=1)
    sample_simulator.fault("/oauth2/", kind="drop", count=1)
    assert client.k9_form().sub_app_version
    assert retries(caplog) == 2


def test_wrong_secret_is_reported_without_retries_or_secret(sample_simulator, make_client):
    client = make_client(sample_simulator, client_secret="wrong-secret-value")
    with pytest.raises(AuthenticationFailed) as info:
        client.k9_form()
    assert "wrong-secret-value" not in str(info.value) and "wrong-secret-value" not in repr(info.value)
    assert len(api_requests(sample_simulator, "/oauth2/default/v1/token")) == 1


@pytest.mark.parametrize("variant", ["spec", "modern"])
def test_rate_limit_refusals_are_waited_out_and_retried(simulator_factory, make_client, variant):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, *VARIANTS[variant])
    sim.reset()
    sim.rate_limits(qps=2, freeze=True)  # the simulator's per-second clock moves only when the client waits
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        sim.rate_limits(advance=seconds)

    client = make_client(sim, rate_limiter=NoRateLimit(), sleep=sleep)  # no client-side limit: the server refuses
    for _ in range(4):
        assert client.image_status(image_names=NAMES).images
    statuses = [e["status"] for e in api_requests(sim, PATH)]
    refused = sim.rate_limit_status
    if variant == "modern":
        # 429 with Retry-After: 1, waited exactly, then the window has room again.
        assert (statuses, waits) == ([200, 200, refused, 200, 200], [1.0])
    else:
        # The spec's 403 has no Retry-After: backed off (growing, jittered) until a second has passed.
        assert statuses[:3] == [200, 200, refused] and statuses.count(200) == 4
        assert set(statuses) == {200, refused} and sum(waits[:-1]) < 1.0 <= sum(waits)
    sim.reset()


@pytest.mark.parametrize("variant", ["spec", "modern"])
def test_quota_exhausted_stops_at_once(simulator_factory, make_client, variant):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, *VARIANTS[variant])
    sim.reset()
    sim.rate_limits(daily_quota=2)
    client = make_client(sim)
    client.image_status(image_names=NAMES)
    client.image_status(image_names=NAMES)
    with pytest.raises(QuotaExhausted) as info:
        client.image_status(image_names=NAMES)
    assert info.value.code == errors.RATE_LIMIT_MESSAGE and info.value.http_status == sim.rate_limit_status
    assert len(api_requests(sim, PATH)) == 3  # not retried, even with a Retry-After of hours
    sim.reset()
