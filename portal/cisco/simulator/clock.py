"""The simulator's clock: wall time plus an offset that tests and demos can move forward.

Every expiry the simulator enforces (access tokens, metadataTransIds, download sessions, the daily quota's day)
reads this clock, so ``POST /_sim/clock {"advance": 3600}`` expires them without waiting. Rate limiting per
second uses the real monotonic clock instead: moving the simulated time must not let a burst through.
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
