"""Django's Redis cache with one client object per connection pool instead of one per cache call.

Django's RedisCacheClient builds a new ``redis.Redis`` for every get and set; building one copies the client's
table of ~200 response callbacks, which costs more than the round trip to a local Redis. A page reads the cache
four or five times (session, generations, counts, throttles, the upstream banner). ``redis.Redis`` objects are
safe to share between threads (each command takes a connection from the pool), so one per pool is enough.
Settings choose this backend for ``redis://`` cache URLs.

Also here: counting hits per time window in whichever cache is configured (:func:`window_count`), atomically and
in one round trip on Redis; the API's throttles count with it.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    """Keeps the ``redis.Redis`` of each connection pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private attributes (the stubs do not declare them): the pool of this key, the client class.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    """Django's Redis cache backend with :class:`RedisCacheClient`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


def window_count(cache: Any, current: str, previous: str, timeout: int) -> tuple[int, int]:
    """Count one hit under ``current`` (kept ``timeout`` seconds) and read the count under ``previous``: returns
    (the count of ``current`` with this hit, the count of ``previous``).

    On Redis one round trip and atomic (INCR, EXPIRE and GET in a pipeline): hits from every process are counted.
    Other caches (the embedded database cache) read both and write the new count back."""
    if isinstance(cache, RedisCache):
        key, other = cache.make_and_validate_key(current), cache.make_and_validate_key(previous)
        client = cache._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, timeout)
        pipe.get(other)
        counted, _, before = pipe.execute()
        return int(counted), int(before or 0)
    found = cache.get_many([current, previous])
    counted = int(found.get(current, 0)) + 1
    cache.set(current, counted, timeout)
    return counted, int(found.get(previous, 0))


def window_uncount(cache: Any, current: str, timeout: int) -> None:
    """Take back one hit counted by :func:`window_count` (a request that was refused after all)."""
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(current)
        cache._cache.get_client(key, write=True).decr(key)
        return
    counted = cache.get(current)
    if counted:
        cache.set(current, int(counted) - 1, timeout)
