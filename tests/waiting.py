"""Waiting in tests for what another process does: poll a predicate against a deadline, never sleep a guess."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], what: str, *, timeout: float = 60, worker: Any = None) -> T:
    """Poll ``predicate`` every 0.1 s until it returns something true and return that; fail after ``timeout``
    seconds naming ``what`` (and the worker's output, when a worker fixture is given)."""
    deadline = time.monotonic() + timeout
    while True:
        if value := predicate():
            return value
        if time.monotonic() > deadline:
            output = worker.output() if worker is not None else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{output}".rstrip())
        time.sleep(0.1)
