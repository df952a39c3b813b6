"""The Redis cache backend settings pick for redis:// URLs: Django's, with one client per connection pool."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from portal.core.cache import RedisCache
from portal.core.counts import generation, generation_memo_end, generation_memo_start, generation_next
from tests.fixtures.needs import missing

ROOT = Path(__file__).resolve().parents[2]


def test_redis_cache_reuses_one_client_and_reads_what_it_wrote():
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"depot-test-{time.time_ns()}"})
    try:
        cache.set("answer", {"permissions": {"inventory.view_device"}}, 30)
    except redis.RedisError:
        missing("PORTAL_REQUIRE_REDIS", "no Redis on 127.0.0.1:6379")
    assert cache.get("answer") == {"permissions": {"inventory.view_device"}}
    assert cache.add("answer", "other", 30) is False
    assert cache.get_many(["answer", "absent"]) == {"answer": {"permissions": {"inventory.view_device"}}}
    client = cache._cache.get_client("answer")
    assert cache._cache.get_client("other", write=True) is client  # one pool, one client: not one per call
    cache.delete("answer")
    assert cache.get("answer") is None


def test_settings_choose_it_for_redis_urls_only():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    backends = {}
    for url in ("redis://127.0.0.1:6379/1", "dbcache://portal_cache"):
        env = {**os.environ, "CACHE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings"}
        result = subprocess.run(  # noqa: S603 - our own interpreter and settings
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT
        )
        backends[url.split(":")[0]] = result.stdout.strip()
    assert backends == {
        "redis": "portal.core.cache.RedisCache",
        "dbcache": "django.core.cache.backends.db.DatabaseCache",
    }


@pytest.mark.django_db
def test_a_request_reads_each_generation_token_once_and_sees_the_ones_it_starts():
    """What the receivers of request_started and request_finished do around every request."""
    from django.core.cache import cache as shared

    generation_memo_start()
    try:
        first = generation("test-memo")
        shared.set("generation:test-memo", "started-by-another-process", None)
        assert generation("test-memo") == first  # one generation throughout the request
        generation_next("test-memo")
        own = generation("test-memo")
        assert own not in (first, "started-by-another-process") and shared.get("generation:test-memo") == own
    finally:
        generation_memo_end()
    shared.set("generation:test-memo", "started-later", None)
    assert generation("test-memo") == "started-later"  # outside a request: read every time


class _CountingCache:
    """The cache, counting the round trips made through it."""

    def __init__(self, inner: object) -> None:
        self.inner, self.reads = inner, 0

    def get(self, *args: object, **kwargs: object) -> object:
        self.reads += 1
        return self.inner.get(*args, **kwargs)

    def get_many(self, *args: object, **kwargs: object) -> object:
        self.reads += 1
        return self.inner.get_many(*args, **kwargs)

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


@pytest.mark.django_db
def test_a_requests_first_token_read_brings_the_others_this_process_read_before(monkeypatch):
    from portal.core import counts

    for name in ("test-first-a", "test-first-b", "test-first-c"):
        generation(name)  # read once before, outside a request
    generation_next("test-first-b")
    expected = {name: generation(name) for name in ("test-first-a", "test-first-b", "test-first-c")}
    counting = _CountingCache(counts.cache)
    monkeypatch.setattr(counts, "cache", counting)
    generation_memo_start()
    try:
        seen = {name: generation(name) for name in ("test-first-c", "test-first-a", "test-first-b")}
        assert seen == expected and counting.reads == 1
        generation("test-first-new")  # never read before: a read of its own
        assert counting.reads >= 2
    finally:
        generation_memo_end()
