"""Per-client rate limits as the API gateway applies them: queries per second and a daily quota.

The per-second limit counts accepted API calls in the last second of real (monotonic) time; the daily quota
counts accepted calls per UTC day of the simulator clock, so a test can move to the next day with the clock.
Refused calls count towards neither.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from portal.cisco.errors import QPS_LIMIT_MESSAGE, RATE_LIMIT_MESSAGE

_WINDOW = 1.0


@dataclass
class _Usage:
    recent: deque[float] = field(default_factory=deque)
    day: int = -1
    count: int = 0


@dataclass(frozen=True)
class Refusal:
    """Why a call was refused (the generic table's message) and in how many seconds a call would pass."""

    message: str
    retry_after: float


class RateLimiter:
    """Decides whether a client's next API call may go through."""

    def __init__(self, qps: float, daily_quota: int | None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.qps = qps
        self.daily_quota = daily_quota
        self._monotonic = monotonic
        self._usage: dict[str, _Usage] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget all counts."""
        with self._lock:
            self._usage.clear()

    def admit(self, client_id: str, sim_now: float) -> Refusal | None:
        """Record a call and return None, or return the refusal (nothing is recorded then)."""
        mono = self._monotonic()
        day = int(sim_now // 86_400)
        with self._lock:
            usage = self._usage.setdefault(client_id, _Usage())
            while usage.recent and usage.recent[0] <= mono - _WINDOW:
                usage.recent.popleft()
            if self.qps > 0 and len(usage.recent) >= self.qps:
                # A call passes again once the oldest recent call has left the window.
                return Refusal(QPS_LIMIT_MESSAGE, max(0.0, usage.recent[0] + _WINDOW - mono))
            if usage.day != day:
                usage.day, usage.count = day, 0
            if self.daily_quota is not None and usage.count >= self.daily_quota:
                return Refusal(RATE_LIMIT_MESSAGE, (day + 1) * 86_400 - sim_now)
            usage.recent.append(mono)
            usage.count += 1
            return None
