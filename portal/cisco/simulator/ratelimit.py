"""Per-client rate limits as the API gateway applies them: queries per second and a daily quota.

The per-second limit counts accepted API calls in the last second of real (monotonic) time; the daily quota
counts accepted calls per UTC day of the simulator clock, so a test can move to the next day with the clock.
Refused calls count towards neither.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field

from portal.cisco.errors import QPS_LIMIT_MESSAGE, RATE_LIMIT_MESSAGE

_WINDOW = 1.0


@dataclass
class _Usage:
    recent: deque[float] = field(default_factory=deque)
    day: int = -1
    count: int = 0


class RateLimiter:
    """Decides whether a client's next API call may go through."""

    def __init__(self, qps: float, daily_quota: int | None) -> None:
        self.qps = qps
        self.daily_quota = daily_quota
        self._usage: dict[str, _Usage] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        """Forget all counts."""
        with self._lock:
            self._usage.clear()

    def admit(self, client_id: str, sim_now: float) -> str | None:
        """Record a call and return None, or return the generic 403 message that refuses it."""
        mono = time.monotonic()
        day = int(sim_now // 86_400)
        with self._lock:
            usage = self._usage.setdefault(client_id, _Usage())
            while usage.recent and usage.recent[0] <= mono - _WINDOW:
                usage.recent.popleft()
            if self.qps > 0 and len(usage.recent) >= self.qps:
                return QPS_LIMIT_MESSAGE
            if usage.day != day:
                usage.day, usage.count = day, 0
            if self.daily_quota is not None and usage.count >= self.daily_quota:
                return RATE_LIMIT_MESSAGE
            usage.recent.append(mono)
            usage.count += 1
            return None
