"""The navigation as data: apps register their links (and optional badge counters) in their ready().

Each link names the permission that shows it, so each role sees the links that fit it; a link marked ``home`` is
what "/" shows the users who may see it (the fleet dashboard), so core never names an app's page itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class NavLink:
    """A link in the navigation bar: shown to users with ``permission``; ``badge`` counts waiting items."""

    section: str  # "engineer" or "compliance"
    label: str
    url_name: str
    permission: str
    order: int = 100
    badge: Callable[[HttpRequest], int] | None = None
    home: bool = False  # the page "/" shows users who may see it (the first such link by order)


_links: list[NavLink] = []
# Each link's URL per (route name, script prefix, URLconf): reversed once, not twice a page (None: no such route).
_urls: dict[tuple[str, str, str | None], str | None] = {}


def register(link: NavLink) -> None:
    """Add a link (apps call this from AppConfig.ready; registering the same link twice keeps one)."""
    if link not in _links:
        _links.append(link)


def _url(name: str) -> str | None:
    key = (name, get_script_prefix(), get_urlconf())
    if key not in _urls:
        try:
            _urls[key] = reverse(name)
        except NoReverseMatch:
            _urls[key] = None
    return _urls[key]


def links_for(request: HttpRequest, section: str) -> list[dict]:
    """The links of one section that the user may see, with their badge counts."""
    rows = []
    for link in sorted(_links, key=lambda item: item.order):
        if link.section != section or not request.user.has_perm(link.permission):
            continue
        url = _url(link.url_name)
        if url is None:
            continue
        badge = link.badge(request) if link.badge else 0
        rows.append({"label": link.label, "url": url, "badge": badge, "key": link.url_name.replace(":", "-")})
    return rows


def home_url(request: HttpRequest) -> str | None:
    """The URL of the first ``home`` link the user may see, or None (a user with no role)."""
    for link in sorted(_links, key=lambda item: item.order):
        if link.home and request.user.has_perm(link.permission) and (url := _url(link.url_name)) is not None:
            return url
    return None
