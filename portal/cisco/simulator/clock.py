"""The simulator's clock: wall time plus an offset that tests and demos can move forward.

Every expiry the simulator enforces (access tokens, metadataTransIds, download sessions, the daily quota's day)
reads this clock, so ``POST /_sim/clock {"advance": 3600}`` expires them without waiting. Rate limiting per
second uses :class:`RateClock` instead, the monotonic clock: moving the simulated date must not let a burst
through. A test may freeze that one and step it (``POST /_sim/ratelimit``), so that which call of a burst is
refused does not depend on how fast a busy machine sends them.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class SimClock:
    """Wall-clock time shifted by an adjustable offset (seconds); thread-safe."""

    def __init__(self, offset: float = 0.0) -> None:
        self._initial = float(offset)
        self._offset = float(offset)
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds since the epoch on the simulated clock."""
        return time.time() + self._offset

    @property
    def offset(self) -> float:
        """How far the simulated clock is ahead of (or behind) the wall clock, in seconds."""
        return self._offset

    def advance(self, seconds: float) -> float:
        """Move the clock by ``seconds`` (negative moves it back); return the new offset."""
        with self._lock:
            self._offset += float(seconds)
            return self._offset

    def set_offset(self, seconds: float) -> float:
        """Set the offset outright; return it."""
        with self._lock:
            self._offset = float(seconds)
            return self._offset

    def reset(self) -> None:
        """Go back to the offset the simulator was started with."""
        self.set_offset(self._initial)

    def describe(self) -> dict[str, object]:
        """The clock as the control API shows it."""
        now = self.now()
        return {
            "offset": self._offset,
            "now": now,
            "iso": datetime.fromtimestamp(now, UTC).isoformat().replace("+00:00", "Z"),
        }


class RateClock:
    """The monotonic clock of the per-second limit: real time, or frozen and stepped by hand; thread-safe."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._frozen: float | None = None
        self._lock = threading.Lock()

    def now(self) -> float:
        """Seconds on the monotonic clock (frozen: the value it was frozen at, plus the steps since)."""
        frozen = self._frozen
        return frozen if frozen is not None else time.monotonic() + self._offset

    @property
    def frozen(self) -> bool:
        """Whether the clock stands still until advanced."""
        return self._frozen is not None

    def freeze(self, on: bool) -> None:
        """Stop the clock where it is, or let it run on from where it stands."""
        with self._lock:
            if on and self._frozen is None:
                self._frozen = time.monotonic() + self._offset
            elif not on and self._frozen is not None:
                self._offset = self._frozen - time.monotonic()
                self._frozen = None

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (frozen or not)."""
        with self._lock:
            if self._frozen is not None:
                self._frozen += float(seconds)
            else:
                self._offset += float(seconds)

    def reset(self) -> None:
        """Run with real time again."""
        with self._lock:
            self._frozen, self._offset = None, 0.0
