"""The REST API's URL rule: every endpoint answers with or without its trailing slash.

Tools POST to ``/api/v1/jobs`` and ``/api/v1/jobs/`` alike, and a redirect would make them drop the body. So the
API's URL patterns match their path with the slash left out too, at the routing step itself (one resolution, no
middleware, no redirect); reversing a name still gives the canonical URL with the slash, as the schema writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.resolvers import RegexPattern, RoutePattern


class _OptionalSlash:
    """Pattern mixin: an endpoint whose pattern ends in a slash also matches its path without it."""

    def match(self, path: str) -> tuple[str, tuple, dict[str, Any]] | None:
        found = super().match(path)  # type: ignore[misc]
        if found is None and self._is_endpoint and path and not path.endswith("/"):  # type: ignore[attr-defined]
            found = super().match(path + "/")  # type: ignore[misc]
        return found


class _OptionalSlashRegex(_OptionalSlash, RegexPattern):
    pass


class _OptionalSlashRoute(_OptionalSlash, RoutePattern):
    pass


def _pattern(pattern: Any) -> RegexPattern | RoutePattern:
    # The route or regex as written: what Django's own path()/re_path() were given.
    if isinstance(pattern, RoutePattern):
        return _OptionalSlashRoute(str(pattern), name=pattern.name, is_endpoint=True)
    return _OptionalSlashRegex(str(pattern), name=pattern.name, is_endpoint=True)


def api_urls(patterns: Sequence[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """``patterns`` (and those they include) with the trailing slash of every endpoint optional. (DRF's views
    are ``login_not_required`` by themselves: the API answers 401 JSON, never a redirect to the login page.)"""
    result: list[URLPattern | URLResolver] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            result.append(
                URLResolver(
                    entry.pattern,
                    api_urls(entry.url_patterns),
                    entry.default_kwargs,
                    entry.app_name,
                    entry.namespace,
                )
            )
            continue
        result.append(URLPattern(_pattern(entry.pattern), entry.callback, entry.default_args, entry.name))
    return result
