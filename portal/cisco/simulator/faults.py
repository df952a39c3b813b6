"""The fault switchboard: make the next N matching requests fail in a chosen way.

A fault is armed with ``POST /_sim/faults``::

    {"path": "<regex searched in the request path>", "count": 1, "method": "GET" (optional),
     "kind": "status" | "delay" | "truncate" | "corrupt" | "drop" | "hold",
     "status": 503, "delay": 2.0, "after_bytes": 1024, "timeout": 300}

* ``status`` answers that HTTP status (4xx or 5xx) with the generic error body, without doing the work;
* ``delay`` waits ``delay`` seconds, then answers normally;
* ``truncate`` answers normally but closes the connection after ``after_bytes`` bytes of the body (the headers
  still promise the full Content-Length);
* ``corrupt`` answers normally with 16 bytes flipped from body offset ``after_bytes`` on (the length is right,
  the digest is not);
* ``drop`` closes the connection without answering;
* ``hold`` makes the request wait until a test releases it (``POST /_sim/faults/release``, optionally
  ``{"id": fault id}``), then answers normally. With ``after_bytes`` 0 the request is held before it is
  handled, so it is answered as the simulator stands at release time (a clock moved meanwhile counts); with
  ``after_bytes`` K the answer is computed at once and held after its first K body bytes have been sent. A
  held request is listed under ``"held"`` by ``GET /_sim/faults`` from the moment it waits, which is how a
  test knows the request arrived. A request never released goes on after ``timeout`` seconds (default 300).

Each matching request uses up one count of the first armed fault that matches it; spent faults disappear.
Releasing lets go of the requests held at that moment; the counts left still hold later ones (``DELETE
/_sim/faults`` disarms everything and releases every held request). Requests to ``/_sim/`` itself are never
faulted.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

KINDS = ("status", "delay", "truncate", "corrupt", "drop", "hold")
MAX_DELAY = 600.0
DEFAULT_HOLD_TIMEOUT = 300.0
CORRUPT_SPAN = 16


@dataclass
class Fault:
    """One armed fault and how many more requests it affects."""

    fault_id: int
    path: str
    pattern: re.Pattern[str]
    kind: str
    remaining: int
    method: str | None = None
    status: int = 503
    delay: float = 1.0
    after_bytes: int = 0
    timeout: float = DEFAULT_HOLD_TIMEOUT

    def describe(self) -> dict[str, Any]:
        """The fault as the control API shows it."""
        return {
            "id": self.fault_id,
            "path": self.path,
            "method": self.method,
            "kind": self.kind,
            "count": self.remaining,
            "status": self.status,
            "delay": self.delay,
            "after_bytes": self.after_bytes,
            "timeout": self.timeout,
        }


@dataclass(eq=False)
class HeldRequest:
    """A request waiting on a hold fault; ``released`` is set by the control API (or never: it times out)."""

    fault_id: int
    method: str
    path: str
    since: float
    released: threading.Event = field(default_factory=threading.Event)

    def describe(self) -> dict[str, Any]:
        """The held request as ``GET /_sim/faults`` lists it."""
        return {"fault": self.fault_id, "method": self.method, "path": self.path, "since": self.since}


def _number(spec: dict[str, Any], key: str, default: float, kind: type) -> Any:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    return kind(value)


class FaultBoard:
    """Armed faults, consulted once per request."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._held: list[HeldRequest] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, spec: dict[str, Any]) -> Fault:
        """Arm a fault from its JSON description; raise ValueError when the description is wrong."""
        kind = spec.get("kind", "status")
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        path = spec.get("path", "")
        if not isinstance(path, str):
            raise ValueError("path must be a regular expression string")
        try:
            pattern = re.compile(path)
        except re.error as exc:
            raise ValueError(f"path is not a valid regular expression: {exc}") from exc
        method = spec.get("method")
        if method is not None and not isinstance(method, str):
            raise ValueError("method must be a string")
        count = _number(spec, "count", 1, int)
        status = _number(spec, "status", 503, int)
        delay = _number(spec, "delay", 1.0, float)
        after_bytes = _number(spec, "after_bytes", 0, int)
        timeout = _number(spec, "timeout", DEFAULT_HOLD_TIMEOUT, float)
        if count < 1:
            raise ValueError("count must be at least 1")
        if not 400 <= status <= 599:
            raise ValueError("status must be a 4xx or 5xx code")
        if not 0 <= delay <= MAX_DELAY:
            raise ValueError(f"delay must be between 0 and {MAX_DELAY:g} seconds")
        if after_bytes < 0:
            raise ValueError("after_bytes must not be negative")
        if not 0 < timeout <= MAX_DELAY:
            raise ValueError(f"timeout must be more than 0 and at most {MAX_DELAY:g} seconds")
        with self._lock:
            fault = Fault(
                next(self._ids),
                path,
                pattern,
                kind,
                count,
                method.upper() if method else None,
                status,
                delay,
                after_bytes,
                timeout,
            )
            self._faults.append(fault)
            return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching this request, with one count used up; None when none matches."""
        with self._lock:
            for fault in self._faults:
                if (fault.method is None or fault.method == method) and fault.pattern.search(path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def hold(self, fault: Fault, method: str, path: str) -> bool:
        """Block the calling request thread until released or ``fault.timeout``; True if it was released."""
        held = HeldRequest(fault.fault_id, method, path, time.time())
        with self._lock:
            self._held.append(held)
        try:
            return held.released.wait(fault.timeout)
        finally:
            with self._lock:
                if held in self._held:  # timed out (a release removes what it lets go)
                    self._held.remove(held)

    def release(self, fault_id: int | None = None) -> int:
        """Let go of the requests held now (by one fault, or by all); return how many."""
        with self._lock:
            chosen = [h for h in self._held if fault_id is None or h.fault_id == fault_id]
            for held in chosen:
                held.released.set()
                self._held.remove(held)  # gone from the listing at once, not when its thread next runs
        return len(chosen)

    def clear(self) -> None:
        """Disarm every fault and release every held request."""
        with self._lock:
            self._faults.clear()
        self.release()

    def describe(self) -> list[dict[str, Any]]:
        """Armed faults, in matching order."""
        with self._lock:
            return [f.describe() for f in self._faults]

    def held(self) -> list[dict[str, Any]]:
        """Requests waiting on a hold fault, oldest first."""
        with self._lock:
            return [h.describe() for h in self._held]
