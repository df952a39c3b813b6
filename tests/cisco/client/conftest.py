"""Fixtures of the client tests: the spec's sample files, and small retry/backoff settings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from portal.cisco.transport import RetryPolicy

_ROOT = Path(__file__).resolve().parents[3]
# CI lays shared/ beside the clone; developers have it at /work/shared.
SAMPLES = next(
    (p for p in (_ROOT.parent / "shared/spec/samples", Path("/work/shared/spec/samples")) if p.is_dir()),
    _ROOT.parent / "shared/spec/samples",
)

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
        path = SAMPLES / f"{name}.json"
        if not path.exists():
            pytest.skip(f"spec sample {path} not available")
        return json.loads(path.read_text())

    return load
