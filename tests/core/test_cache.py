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
