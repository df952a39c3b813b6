"""The REST API's throttles: a sliding-window counter per client, a constant size in the shared cache.

DRF's own throttles keep the time of every request of the last period in one cached list that each request reads
and writes whole: at the default 6,000 requests a minute a busy client's list holds up to 6,000 times (54 kB
pickled, 1 ms a request to read and write back on Redis), and two processes that read it at once both write it
back, one request lost. Here a client has one counter per period (a minute for ``6000/minute``). A request is
allowed while the previous period's count, weighted by how much of that period still lies within the last
``period`` seconds, plus the current period's count (this request included) is within the rate. On Redis the
count and the read are one atomic round trip (portal.core.cache.window_count), so concurrent processes never
allow more than the rate; a refused request is taken back out of the count, as DRF does not count it either.
"""

from __future__ import annotations

import math
from typing import Any

from rest_framework import throttling

from portal.core.cache import window_count, window_uncount


class SlidingWindowMixin:
    """``allow_request`` and ``wait`` of a DRF SimpleRateThrottle as a sliding-window counter."""

    rate: str | None
    num_requests: int
    duration: int
    cache: Any
    timer: Any
    key: str | None
    _wait = 0.0

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if self.key is None:
            return True
        period, into = divmod(self.timer(), self.duration)
        current, previous = f"{self.key}:{int(period)}", f"{self.key}:{int(period) - 1}"
        counted, before = window_count(self.cache, current, previous, 2 * self.duration)
        overlap = 1 - into / self.duration  # the share of the previous period still within the last `duration`
        if before * overlap + counted <= self.num_requests:
            return True
        window_uncount(self.cache, current, 2 * self.duration)
        self._wait = self._seconds_until_allowed(counted - 1, before, into)
        return False

    def _seconds_until_allowed(self, counted: int, before: int, into: float) -> float:
        """When one more request fits: the previous period's weight falls as time passes; a full current period
        waits for the next one."""
        room = self.num_requests - 1 - counted
        if room < 0 or before == 0:
            return self.duration - into
        return max(0.0, self.duration * (1 - room / before) - into)

    def wait(self) -> float:
        # Whole seconds, rounded up (Retry-After counts seconds: a client that obeys it is not refused again);
        # the microsecond is the float arithmetic's, not time to wait.
        return float(math.ceil(self._wait - 1e-6))


class AnonRateThrottle(SlidingWindowMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address (``PORTAL_API_ANON_RATE``)."""


class UserRateThrottle(SlidingWindowMixin, throttling.UserRateThrottle):
    """Authenticated requests, per user (``PORTAL_API_USER_RATE``)."""
