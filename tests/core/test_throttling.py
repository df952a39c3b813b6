"""The API's throttles (portal.core.api.throttling): a sliding-window counter per client, on Redis and on the
embedded database cache alike, driven by an injected clock."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
import redis
from django.core.cache import caches

from portal.core.api.throttling import UserRateThrottle
from portal.core.cache import RedisCache
from tests.fixtures.needs import missing

pytestmark = pytest.mark.django_db


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _redis() -> RedisCache:
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"depot-test-throttle-{time.time_ns()}"})
    try:
        cache.get("ping")
    except redis.RedisError:
        missing("PORTAL_REQUIRE_REDIS", "no Redis on 127.0.0.1:6379")
    return cache


@pytest.fixture(params=["redis", "database"])
def shared(request):
    return _redis() if request.param == "redis" else caches["default"]


def _throttle(cache, clock: _Clock, rate: str = "3/min") -> UserRateThrottle:
    throttle = UserRateThrottle.__new__(UserRateThrottle)
    throttle.rate, throttle.cache, throttle.timer = rate, cache, clock
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    return throttle


def _asks(throttle: UserRateThrottle, user_id: int = 7) -> bool:
    request = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=user_id))
    return throttle.allow_request(request, None)


def test_the_rate_holds_and_a_refused_request_is_not_counted(shared):
    clock = _Clock(600_000.0)  # the start of a minute
    throttle = _throttle(shared, clock)
    assert [_asks(throttle) for _ in range(3)] == [True, True, True]
    assert [_asks(throttle) for _ in range(5)] == [False] * 5
    assert throttle.wait() == 60  # the current minute is full: the next one
    assert _asks(throttle, user_id=8)  # another user has a budget of their own
    clock.now += 90  # half of the next minute: the full one before weighs 3 x 0.5
    assert _asks(throttle)  # 1.5 + 1 <= 3; the refused five were not counted (6.5 + 1 would not be)
    assert not _asks(throttle)  # 1.5 + 2 > 3
    assert throttle.wait() == 10  # at 100 s the full minute weighs 1: 1 + 1 + 1 <= 3
    clock.now += 9.9
    assert not _asks(throttle)
    clock.now += 0.1
    assert _asks(throttle)


def test_concurrent_requests_on_redis_never_pass_more_than_the_rate():
    cache = _redis()
    clock = _Clock(600_000.0)
    start = threading.Barrier(20)
    answers: list[bool] = []

    def ask() -> None:
        throttle = _throttle(cache, clock, "10/min")
        start.wait()
        answers.append(_asks(throttle))

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    allowed = answers.count(True)
    assert len(answers) == 20 and 1 <= allowed <= 10
    assert int(cache._cache.get_client(write=True).get(cache.make_and_validate_key("throttle_user_7:10000"))) == allowed
    assert not _asks(_throttle(cache, clock, f"{allowed}/min"))  # what passed is what was counted


def test_the_api_answers_429_with_retry_after(api_as, engineer, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/hour", "anon": "2/hour"})
    client = api_as(engineer)
    assert [client.get("/api/v1/me").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/me")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600 and refused.json()["code"]
