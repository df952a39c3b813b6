"""Fixtures of the client tests: the spec's sample files, small retry/backoff settings, and the sample simulator
in each of its variants (the spec's gateway, a modern gateway, strict input checks): Depot's client must work
against all three, so every test that takes ``sample_simulator`` runs three times."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portal.cisco.transport import RetryPolicy
from tests.fixtures.simulator import FAST_QPS, SAMPLE_CATALOG, VARIANTS
from tests.spec import SAMPLES_DIR

_ROOT = Path(__file__).resolve().parents[3]
SAMPLES = SAMPLES_DIR


class FakeClock:
    """Epoch seconds that move only when told to; sleeping on it moves it (and is recorded)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


FAST_RETRY = RetryPolicy(
    max_attempts=4,
    max_rate_limit_retries=20,
    backoff_initial=0.02,
    backoff_max=0.2,
    total_timeout=30,
    retry_after_max=1,
)


@pytest.fixture
def sample():
    """Load one of the spec's sample JSON files by name (``pidrelease_resp``)."""

    def load(name: str) -> Any:
        return json.loads((SAMPLES / f"{name}.json").read_text())

    return load


@pytest.fixture(params=list(VARIANTS))
def sample_simulator(request, simulator_factory):
    """The sample-catalog simulator, reset, once per variant (``spec``, ``modern``, ``strict``)."""
    handle = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, *VARIANTS[request.param])
    handle.reset()
    yield handle
    handle.close()


@pytest.fixture
def make_client():
    """``make_client(sim, **overrides)`` -> an AsdClient on that simulator (fast retries, 127.0.0.1 allowed)."""
    from portal.cisco.client import AsdClient

    made = []

    def make(sim, **overrides: Any) -> AsdClient:
        kwargs: dict[str, Any] = {
            "base_url": sim.url,
            "token_url": sim.token_url,
            "client_id": sim.client_id,
            "client_secret": sim.client_secret,
            "retry": FAST_RETRY,
            "connect_timeout": 2,
            "read_timeout": 5,
            "allowed_download_hosts": ["127.0.0.1"],
        }
        kwargs.update(overrides)
        client = AsdClient(**kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def api_requests(sim, suffix: str) -> list[dict[str, Any]]:
    """The simulator's log entries whose path ends with ``suffix``.

    The simulator adds a request to its log before the last bytes of the answer leave (server.py), so once a
    client has read an answer, its entry is there: no waiting needed.
    """
    return [entry for entry in sim.log() if entry["path"].endswith(suffix)]


def token_requests(sim) -> list[dict[str, Any]]:
    """The token requests the simulator received since its last reset."""
    return api_requests(sim, "/oauth2/default/v1/token")
