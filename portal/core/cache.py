"""Django's Redis cache with one client object per connection pool instead of one per cache call.

Django's RedisCacheClient builds a new ``redis.Redis`` for every get and set; building one copies the client's
table of ~200 response callbacks, which costs more than the round trip to a local Redis. A page reads the cache
four or five times (session, generations, counts, throttles, the upstream banner). ``redis.Redis`` objects are
safe to share between threads (each command takes a connection from the pool), so one per pool is enough.
Settings choose this backend for ``redis://`` cache URLs.
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
