"""The token is fetched once per expiry however many threads want it, refreshed early, replaced once refused."""

from __future__ import annotations

import threading
import time

import pytest

from portal.cisco.auth import AccessToken, MemoryTokenStore, TokenProvider

from .conftest import FakeClock


class CountingFetch:
    """Hands out numbered tokens, slowly enough that concurrent callers overlap (the count is what is checked,
    so how much they overlap does not matter)."""

    def __init__(self, lifetime: float = 3600, delay: float = 0.05, clock=time.time) -> None:
        self.count = 0
        self.lifetime = lifetime
        self.delay = delay
        self.clock = clock
        self._lock = threading.Lock()

    def __call__(self) -> AccessToken:
        time.sleep(self.delay)
        with self._lock:
            self.count += 1
            number = self.count
        now = self.clock()
        return AccessToken(f"tok-{number}", now + self.lifetime, now + self.lifetime - min(60, self.lifetime / 2))


def provider(fetch, store=None, **kwargs) -> TokenProvider:
    return TokenProvider(fetch=fetch, store=store or MemoryTokenStore(), key="t", poll_interval=0.01, **kwargs)


def run_threads(count: int, target) -> list:
    results: list = []
    barrier = threading.Barrier(count)

    def body():
        barrier.wait()
        results.append(target())

    threads = [threading.Thread(target=body) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_fifty_threads_of_two_providers_sharing_a_store_fetch_once():
    fetch, store = CountingFetch(), MemoryTokenStore()
    a, b = provider(fetch, store), provider(fetch, store)  # two "processes" sharing the store
    results = run_threads(50, lambda: (a if threading.get_ident() % 2 else b).token())
    assert fetch.count == 1
    assert set(results) == {"tok-1"}


def test_expired_token_in_the_store_is_replaced_once():
    fetch, store = CountingFetch(), MemoryTokenStore()
    store.set("t", AccessToken("old", time.time() - 10, time.time() - 70).to_store(), 100)
    results = run_threads(50, provider(fetch, store).token)
    assert fetch.count == 1 and set(results) == {"tok-1"}


def test_refused_token_is_replaced_once_for_all_who_saw_it_refused():
    fetch, store = CountingFetch(), MemoryTokenStore()
    tokens = provider(fetch, store)
    first = tokens.token()
    results = run_threads(30, lambda: tokens.token(reject=first))
    assert fetch.count == 2 and set(results) == {"tok-2"}
    # A late caller still holding the first token reuses the replacement.
    assert provider(fetch, store).token(reject=first) == "tok-2" and fetch.count == 2


def test_token_is_refreshed_before_it_expires():
    clock = FakeClock()
    fetch = CountingFetch(lifetime=100, delay=0, clock=clock)  # refresh margin: 50 s, half the lifetime
    tokens = provider(fetch, clock=clock)
    assert tokens.token() == "tok-1"
    clock.now += 49.9
    assert tokens.token() == "tok-1"
    clock.now += 0.1
    assert tokens.token() == "tok-2"  # 50 s before it expires, not at expiry


def test_a_dead_lock_holder_does_not_block_forever():
    clock = FakeClock()
    fetch, store = CountingFetch(delay=0, clock=clock), MemoryTokenStore()
    store.add("t:lock", "someone-who-died", 600)  # held far longer than any token request takes
    assert provider(fetch, store, lock_timeout=5, clock=clock, sleep=clock.sleep).token() == "tok-1"
    assert 6 <= sum(clock.slept) < 6.1  # polled the store until the lock's own timeout (+1 s), then went on


class BrokenStore:
    def get(self, key, default=None):
        raise OSError("cache down")

    def set(self, key, value, timeout=None):
        raise OSError("cache down")

    def add(self, key, value, timeout=None):
        raise OSError("cache down")

    def delete(self, key):
        raise OSError("cache down")


def test_a_broken_store_degrades_to_fetching_in_process():
    fetch = CountingFetch(delay=0)
    tokens = provider(fetch, BrokenStore())
    assert tokens.token() == "tok-1" and tokens.token() == "tok-1"
    assert fetch.count == 1


def test_fetch_errors_propagate_and_release_the_lock():
    store = MemoryTokenStore()

    def failing():
        raise RuntimeError("token endpoint down")

    with pytest.raises(RuntimeError):
        provider(failing, store).token()
    assert store.get("t:lock") is None


def test_secret_is_not_in_reprs():
    from portal.cisco.auth import ClientCredentials

    creds = ClientCredentials("https://id/token", "cid", "TOPSECRET")
    assert "TOPSECRET" not in repr(creds)
    assert "tok-secret" not in repr(AccessToken("tok-secret", 1, 1))
