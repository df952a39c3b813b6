"""Fixtures of the client tests: the spec's sample files, and small retry/backoff settings."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from portal.cisco.transport import RetryPolicy
from tests.spec import SAMPLES_DIR

_ROOT = Path(__file__).resolve().parents[3]
SAMPLES = SAMPLES_DIR

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


def api_requests(sim, suffix: str, settle: float = 0.3) -> list[dict[str, Any]]:
    """The simulator's log entries whose path ends with ``suffix``.

    The simulator records a request after it has sent the answer, so the entry of the answer a client has
    just read may land a moment later: read until the count stays the same for ``settle`` seconds.
    """
    entries = [entry for entry in sim.log() if entry["path"].endswith(suffix)]
    stable_since = time.monotonic()
    while time.monotonic() - stable_since < settle:
        time.sleep(0.05)
        again = [entry for entry in sim.log() if entry["path"].endswith(suffix)]
        if len(again) != len(entries):
            entries, stable_since = again, time.monotonic()
    return entries


def token_requests(sim) -> list[dict[str, Any]]:
    """The token requests the simulator received since its last reset."""
    return api_requests(sim, "/oauth2/default/v1/token")
