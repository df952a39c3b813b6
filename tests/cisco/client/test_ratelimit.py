"""The shared limiter: the moving window on SQLite (and Redis) grants no more than N hits per window."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis

from portal.cisco.exceptions import RateLimited
from portal.cisco.ratelimit import RedisWindowStorage, SharedRateLimiter, SQLiteStorage, storage_for, window_for


def test_window_for_keeps_a_margin():
    assert window_for(5, 0.1) == (5, pytest.approx(1.1))
    assert window_for(2, 0.1) == (2, pytest.approx(1.1))
    assert window_for(0.5, 0.1) == (1, pytest.approx(2.1))
    with pytest.raises(ValueError):
        window_for(0, 0.1)


def test_sqlite_moving_window_semantics(tmp_path):
    storage = storage_for(f"sqlite:///{tmp_path}/rl.sqlite3")
    assert isinstance(storage, SQLiteStorage) and storage.check()
    assert [storage.acquire_entry("k", 3, 0.3) for _ in range(4)] == [True, True, True, False]
    oldest, count = storage.get_moving_window("k", 3, 0.3)
    assert count == 3 and oldest <= time.time()
    time.sleep(0.35)
    assert storage.acquire_entry("k", 3, 0.3) and storage.get_moving_window("k", 3, 0.3)[1] == 1
    assert storage.incr("c", 10) == 1 and storage.incr("c", 10, amount=2) == 3 and storage.get("c") == 3
    storage.clear("k")
    assert storage.get_moving_window("k", 3, 0.3)[1] == 0
    assert storage.reset() >= 1 and storage.get("c") == 0


def _hammer(url: str, key: str, count: int, granted) -> None:
    limiter = SharedRateLimiter(storage_for(url), qps=10, key=key, margin=0.2)
    for _ in range(count):
        limiter.acquire()
        granted.put(time.time())


def test_processes_sharing_a_sqlite_file_stay_within_the_rate(tmp_path):
    url = f"sqlite:///{tmp_path}/rl.sqlite3"
    context = multiprocessing.get_context("spawn")
    granted = context.Queue()
    workers = [context.Process(target=_hammer, args=(url, "shared", 8, granted)) for _ in range(3)]
    for worker in workers:
        worker.start()
    stamps = sorted(granted.get(timeout=60) for _ in range(24))
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    # 10 hits per 1.2 s window: any 11 consecutive grants span at least 1 s even with 0.2 s of jitter in
    # reporting them, i.e. no 1-second window saw more than 10 requests.
    assert all(later - earlier >= 1.0 for earlier, later in zip(stamps, stamps[10:], strict=False))


def test_limiter_gives_up_at_the_deadline(tmp_path):
    limiter = SharedRateLimiter(storage_for(f"sqlite:///{tmp_path}/rl.sqlite3"), qps=1, key="k", margin=5)
    limiter.acquire()
    with pytest.raises(RateLimited, match="local limiter"):
        limiter.acquire(deadline=time.monotonic() + 0.2)


def test_memory_storage_is_accepted_for_one_process():
    limiter = SharedRateLimiter(storage_for("memory://"), qps=100, key="k")
    assert limiter.acquire() >= 0


def test_redis_window_may_be_a_fraction_of_a_second():
    try:
        storage = storage_for("redis://127.0.0.1:6379/15")
        storage.check()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    assert isinstance(storage, RedisWindowStorage)
    key = f"depot-test-{time.time()}"
    assert [storage.acquire_entry(key, 2, 0.3) for _ in range(3)] == [True, True, False]
    time.sleep(0.35)
    assert storage.acquire_entry(key, 2, 0.3)
    storage.clear(key)
