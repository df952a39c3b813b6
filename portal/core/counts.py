"""Counts kept in the shared cache for one "generation" of the data they count.

Counting 100,000 devices (with a filter joining recommendations) is the most expensive part of a list page, and a
fleet summary scans every device. Such numbers only change when the rows they count do, so they are cached under
a generation token: whoever changes the rows starts a new generation (:func:`generation_next`), and every count
of the old one is simply never read again (it expires). No cache invalidation by key, no signal per row.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Mapping

from django.core.cache import cache
from django.db.models import QuerySet

FLEET = "fleet"  # devices and what is recommended for them (inventory counts; catalog changes recommendations)
COUNT_TTL = 3600
# Query parameters that do not change what is counted.
_NOT_FILTERS = frozenset({"page", "ordering", "page_size", "format"})


def _key(name: str) -> str:
    return f"generation:{name}"


def generation(name: str) -> str:
    """The current generation token of ``name`` (created on first use, shared by every process)."""
    value = cache.get(_key(name))
    if value is None:
        cache.add(_key(name), f"{time.time_ns():x}", None)
        value = cache.get(_key(name))
    return str(value)


def generation_next(name: str) -> None:
    """Start a new generation of ``name``: every count and summary cached for the old one is read no more."""
    cache.set(_key(name), uuid.uuid4().hex, None)


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
