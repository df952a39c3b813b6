"""The shared limiter: the moving window on SQLite, Redis and memory grants no more than N hits per window, and an
answer within the margin frees a hit's place N / qps after the answer."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis

from portal.cisco.exceptions import RateLimited
from portal.cisco.ratelimit import (
    MemoryWindowStorage,
    RedisWindowStorage,
    SharedRateLimiter,
    SQLiteStorage,
    storage_for,
    window_for,
)
from tests.fixtures.needs import missing

from .conftest import FakeClock


@pytest.fixture(params=["memory", "sqlite", "redis"])
def clocked_storage(request, tmp_path):
    """(storage, its FakeClock, a fresh key) for each kind of storage (Redis: database 15 on the default port)."""
    clock = FakeClock()
    key = f"depot-test-{time.time()}"
    if request.param == "memory":
        yield MemoryWindowStorage(clock=clock), clock, key
    elif request.param == "sqlite":
        yield SQLiteStorage(f"sqlite:///{tmp_path}/rl.sqlite3", clock=clock), clock, key
    else:
        storage = RedisWindowStorage("redis://127.0.0.1:6379/15", clock=clock, keep=60)
        try:
            storage.check()
            storage.storage.ping()
        except redis.RedisError:
            missing("PORTAL_REQUIRE_REDIS", "no Redis on 127.0.0.1:6379")
        yield storage, clock, key
        storage.clear(key)


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
        granted.append(clock.now - start)
    # 5 hits per 1.1 s: the 6th waits for the 1st to leave the window (plus a few ms of jitter), and so on. The
    # clock is epoch seconds, whose floats step by 2.4e-7 s: a gap of exactly 1.1 s may read a few ulps short.
    assert granted[:5] == [0.0] * 5
    gaps = [granted[i + 5] - granted[i] for i in range(6)]
    assert all(1.1 - 1e-6 <= gap < 1.11 for gap in gaps), gaps


def test_an_answer_within_the_margin_frees_the_place_a_second_after_the_answer(clocked_storage):
    storage, clock, key = clocked_storage
    limiter = SharedRateLimiter(storage, qps=5, key=key, margin=0.1, sleep=clock.sleep, clock=clock)
    start = clock.now
    slots = [limiter.acquire() for _ in range(5)]
    clock.now += 0.02  # the answers come 20 ms after the grants
    for slot in slots:
        limiter.answered(slot)
    granted = []
    for _ in range(5):
        limiter.acquire()
        granted.append(round(clock.now - start, 3))
    # The upstream counted each request by the time its answer came: 1 s after that, not 1.1 s after the grant.
    assert all(1.02 <= at <= 1.026 for at in granted)


def test_an_answer_later_than_the_margin_changes_nothing(clocked_storage):
    storage, clock, key = clocked_storage
    limiter = SharedRateLimiter(storage, qps=5, key=key, margin=0.1, sleep=clock.sleep, clock=clock)
    start = clock.now
    slots = [limiter.acquire() for _ in range(5)]
    clock.now += 0.3
    for slot in slots:
        limiter.answered(slot)
    limiter.acquire()
    assert 1.1 <= round(clock.now - start, 3) <= 1.106


def test_a_stamp_moved_back_behind_an_older_one_is_counted_by_its_time(clocked_storage):
    storage, clock, key = clocked_storage
    start = clock.now
    first = storage.acquire_stamp(key, 2, 1.1)  # never answered: it stays at its grant
    clock.now += 0.01
    second = storage.acquire_stamp(key, 2, 1.1)
    assert first == start and second == start + 0.01
    storage.lower_stamp(key, second, start - 0.08)  # answered at +0.02: now older than the first
    storage.lower_stamp(key, first, first + 1)  # never forward
    storage.lower_stamp(key, first + 0.5, start - 1)  # no such hit: nothing happens
    assert storage.get_moving_window(key, 2, 1.1) == (start - 0.08, 2)
    clock.now = start + 1.05  # the second has left the window, the first has not
    assert storage.get_moving_window(key, 2, 1.1) == (start, 1)
    assert storage.acquire_stamp(key, 2, 1.1) == start + 1.05
    assert storage.acquire_stamp(key, 2, 1.1) is None  # the first and the third fill it
    assert storage.get_moving_window(key, 2, 1.1) == (start, 2)


def _hammer(url: str, count: int, now, tick, waiting, done, granted, answer: bool) -> None:
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
        slot = limiter.acquire()
        granted.put(now.value)
        if answer:  # at once: the window is then exactly 1 s after each grant
            limiter.answered(slot)
    with tick:
        done.value += 1
        tick.notify_all()


@pytest.mark.parametrize("answer", [False, True])
def test_processes_sharing_a_sqlite_file_never_exceed_the_window(tmp_path, answer):
    url = f"sqlite:///{tmp_path}/rl.sqlite3"
    context = multiprocessing.get_context("spawn")
    now = context.Value("d", 1_700_000_000.0, lock=False)
    waiting, done = context.Value("i", 0, lock=False), context.Value("i", 0, lock=False)
    tick, granted, count = context.Condition(), context.Queue(), 3
    args = (url, 8, now, tick, waiting, done, granted, answer)
    workers = [context.Process(target=_hammer, args=args) for _ in range(count)]
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
    # 10 hits per 1.2 s window (1 s + 0.2 s margin), or per 1 s from the answer: any 11 consecutive grants span
    # more than that.
    window = 1.0 if answer else 1.2
    assert all(later - earlier > window - 1e-6 for earlier, later in zip(stamps, stamps[10:], strict=False))
    assert stamps.count(1_700_000_000.0) == 10  # the first window filled at once, by whichever processes


def test_limiter_gives_up_at_the_deadline(tmp_path):
    limiter = SharedRateLimiter(storage_for(f"sqlite:///{tmp_path}/rl.sqlite3"), qps=1, key="k", margin=5)
    limiter.acquire()
    with pytest.raises(RateLimited, match="local limiter"):
        limiter.acquire(deadline=time.monotonic() + 0.2)  # the wait (about 6 s) is past it: no sleeping


def test_memory_storage_is_accepted_for_one_process():
    limiter = SharedRateLimiter(storage_for("memory://"), qps=100, key="k")
    assert isinstance(limiter.storage, MemoryWindowStorage)
    assert limiter.acquire().waited >= 0


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
