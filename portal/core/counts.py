"""Counts kept in the shared cache for one "generation" of the data they count.

Counting 100,000 devices (with a filter joining recommendations) is the most expensive part of a list page, and a
fleet summary scans every device. Such numbers only change when the rows they count do, so they are cached under
a generation token: whoever changes the rows starts a new generation (:func:`generation_next`), and every count
of the old one is simply never read again (it expires). No cache invalidation by key, no signal per row.

A request reads each token once (:func:`generation_memo_start` and :func:`generation_memo_end` are connected to
Django's request_started and request_finished): a page that consults five cached reads of the catalog asks the
cache for the catalog's token once, and sees one generation throughout (its own writes start new ones as usual).
Its first read fetches, in the same round trip, every token this process has read before (a page reads those of
access, the fleet and the catalog: one round trip instead of three).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import QuerySet

FLEET = "fleet"  # devices and what is recommended for them (inventory counts; catalog changes recommendations)
COUNT_TTL = 3600
# Query parameters that do not change what is counted.
_NOT_FILTERS = frozenset({"page", "ordering", "page_size", "format"})
T = TypeVar("T")


_memo: ContextVar[dict[str, str] | None] = ContextVar("generation_memo", default=None)
_read_before: set[str] = set()  # the tokens this process has read: a request's first read fetches them all


def _key(name: str) -> str:
    return f"generation:{name}"


def generation_memo_start(**_: Any) -> None:
    """A request begins: the tokens it reads are kept for it (receiver of request_started)."""
    _memo.set({})


def generation_memo_end(**_: Any) -> None:
    """A request ended (receiver of request_finished)."""
    _memo.set(None)


def generation(name: str) -> str:
    """The current generation token of ``name`` (created on first use, shared by every process)."""
    memo = _memo.get()
    if memo is not None and name in memo:
        return memo[name]
    if memo is not None and not memo and _read_before:
        names = _read_before | {name}
        found = cache.get_many([_key(each) for each in names])
        memo.update({each: str(found[_key(each)]) for each in names if _key(each) in found})
        if name in memo:
            return memo[name]
    _read_before.add(name)
    value = cache.get(_key(name))
    if value is None:
        cache.add(_key(name), f"{time.time_ns():x}", None)
        value = cache.get(_key(name))
    if memo is not None:
        memo[name] = str(value)
    return str(value)


def generation_next(name: str) -> None:
    """Start a new generation of ``name``: every count and summary cached for the old one is read no more."""
    token = uuid.uuid4().hex
    cache.set(_key(name), token, None)
    memo = _memo.get()
    if memo is not None:
        memo[name] = token


def generation_cached(of: tuple[str, ...], key: str, compute: Callable[[], T], ttl: int = COUNT_TTL) -> T:
    """``compute()`` once per generation of each of ``of`` (and ``key``), then from the shared cache (a result of
    None is kept too)."""
    full = f"{key}:{':'.join(generation(name) for name in of)}"
    found = cache.get(full)
    if found is not None:
        return found[0]
    value = compute()
    cache.set(full, (value,), ttl)  # in a tuple: a cached None is a value, not a miss
    return value


class CachedCount:
    """A queryset for a paginator whose count() is kept in the shared cache for the current generation.

    ``scope`` names what the queryset counts (two endpoints with the same filters but different querysets must
    not share a total); ``filters`` are the query parameters that made the queryset."""

    ordered = True

    def __init__(self, queryset: QuerySet, filters: Mapping[str, str], *, scope: str, of: str = FLEET) -> None:
        self.queryset = queryset
        wanted = sorted((k, v) for k, v in filters.items() if v and k not in _NOT_FILTERS)
        digest = hashlib.sha256(repr(wanted).encode()).hexdigest()[:32]
        self.key = f"count:{scope}:{generation(of)}:{digest}"

    def count(self) -> int:
        value = cache.get(self.key)
        if value is None:
            value = self.queryset.count()
            cache.set(self.key, value, COUNT_TTL)
        return value

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice | int) -> object:
        return self.queryset[item]
