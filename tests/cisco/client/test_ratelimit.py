"""The shared limiter: the moving window on SQLite (and Redis) grants no more than N hits per window."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis

from portal.cisco.exceptions import RateLimited
from portal.cisco.ratelimit import RedisWindowStorage, SharedRateLimiter, SQLiteStorage, storage_for, window_for
from tests.fixtures.needs import missing

from .conftest import FakeClock


def test_window_for_keeps_a_margin():
    assert window_for(5, 0.1) == (5, pytest.approx(1.1))
    assert window_for(2, 0.1) == (2, pytest.approx(1.1))
    assert window_for(0.5, 0.1) == (1, pytest.approx(2.1))
    with pytest.raises(ValueError):
        window_for(0, 0.1)


def test_sqlite_moving_window_semantics(tmp_path):
    clock = FakeClock()
    storage = SQLiteStorage(f"sqlite:///{tmp_path}/rl.sqlite3", clock=clock)
    assert storage.check()
    assert [storage.acquire_entry("k", 3, 0.3) for _ in range(4)] == [True, True, True, False]
    assert storage.get_moving_window("k", 3, 0.3) == (clock.now, 3)
    clock.now += 0.2
    assert not storage.acquire_entry("k", 3, 0.3)  # all three still inside the window
    clock.now += 0.11
    assert storage.acquire_entry("k", 3, 0.3) and storage.get_moving_window("k", 3, 0.3)[1] == 1
    assert storage.incr("c", 10) == 1 and storage.incr("c", 10, amount=2) == 3 and storage.get("c") == 3
    clock.now += 10
    assert storage.get("c") == 0 and storage.incr("c", 10) == 1  # the fixed window ended
    storage.clear("k")
    assert storage.get_moving_window("k", 3, 0.3)[1] == 0
    assert storage.reset() >= 1 and storage.get("c") == 0


def test_the_limiter_waits_exactly_until_the_window_has_room(tmp_path):
    clock = FakeClock()
    storage = SQLiteStorage(f"sqlite:///{tmp_path}/rl.sqlite3", clock=clock)
    limiter = SharedRateLimiter(storage, qps=5, key="k", margin=0.1, sleep=clock.sleep, clock=clock)
    start = clock.now
    granted = []
    for _ in range(11):
        limiter.acquire()
        granted.append(round(clock.now - start, 3))
    # 5 hits per 1.1 s: the 6th waits for the 1st to leave the window (plus a few ms of jitter), and so on.
    assert granted[:5] == [0.0] * 5
    assert all(1.1 <= granted[i + 5] - granted[i] < 1.11 for i in range(6))


def _hammer(url: str, count: int, now, tick, waiting, done, granted) -> None:
    """One process: ``count`` grants from a limiter on the shared file, on the test's clock (``now``)."""

    def clock() -> float:
        return now.value

    def sleep(seconds: float) -> None:  # wait for the test to move the clock
        with tick:
            seen = now.value
            waiting.value += 1
            tick.notify_all()
            tick.wait_for(lambda: now.value != seen)

    limiter = SharedRateLimiter(
        SQLiteStorage(url, clock=clock), qps=10, key="shared", margin=0.2, sleep=sleep, clock=clock
    )
    for _ in range(count):
        limiter.acquire()
        granted.put(now.value)
    with tick:
        done.value += 1
        tick.notify_all()


def test_processes_sharing_a_sqlite_file_never_exceed_the_window(tmp_path):
    url = f"sqlite:///{tmp_path}/rl.sqlite3"
    context = multiprocessing.get_context("spawn")
    now = context.Value("d", 1_700_000_000.0, lock=False)
    waiting, done = context.Value("i", 0, lock=False), context.Value("i", 0, lock=False)
    tick, granted, count = context.Condition(), context.Queue(), 3
    workers = [context.Process(target=_hammer, args=(url, 8, now, tick, waiting, done, granted)) for _ in range(count)]
    for worker in workers:
        worker.start()
    # The clock moves by 50 ms only once every process still running waits on the current tick: the three
    # race for each tick's room through the file lock, however fast or slow each of them runs.
    with tick:
        while done.value < count:
            if not tick.wait_for(lambda: done.value == count or waiting.value + done.value == count, timeout=120):
                raise AssertionError("the processes neither finished nor waited for the clock")
            if done.value < count:
                now.value += 0.05
                waiting.value = 0  # every process waiting now wakes up: none is waiting on the new tick yet
                tick.notify_all()
    stamps = sorted(granted.get(timeout=60) for _ in range(24))
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    # 10 hits per 1.2 s window (1 s + 0.2 s margin): any 11 consecutive grants span more than the window.
    assert all(later - earlier > 1.2 - 1e-6 for earlier, later in zip(stamps, stamps[10:], strict=False))
    assert stamps.count(1_700_000_000.0) == 10  # the first window filled at once, by whichever processes


def test_limiter_gives_up_at_the_deadline(tmp_path):
    limiter = SharedRateLimiter(storage_for(f"sqlite:///{tmp_path}/rl.sqlite3"), qps=1, key="k", margin=5)
    limiter.acquire()
    with pytest.raises(RateLimited, match="local limiter"):
        limiter.acquire(deadline=time.monotonic() + 0.2)  # the wait (about 6 s) is past it: no sleeping


def test_memory_storage_is_accepted_for_one_process():
    limiter = SharedRateLimiter(storage_for("memory://"), qps=100, key="k")
    assert limiter.acquire() >= 0


def test_redis_window_may_be_a_fraction_of_a_second():
    try:
        storage = storage_for("redis://127.0.0.1:6379/15")
        storage.check()
    except redis.RedisError:
        missing("PORTAL_REQUIRE_REDIS", "no Redis on 127.0.0.1:6379")
    assert isinstance(storage, RedisWindowStorage)
    key = f"depot-test-{time.time()}"
    assert storage.acquire_entry(key, 2, 0.3)
    assert 0 < storage.storage.pttl(storage.prefixed_key(key)) <= 300  # PEXPIRE took the fraction
    storage.clear(key)
    clock = FakeClock()
    timed = RedisWindowStorage("redis://127.0.0.1:6379/15", clock=clock)
    assert [timed.acquire_entry(key, 2, 30) for _ in range(3)] == [True, True, False]
    clock.now += 30.01
    assert timed.acquire_entry(key, 2, 30)
    timed.clear(key)
