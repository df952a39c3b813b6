"""The route table: which handler answers which method and path, and how the request is checked first.

Kinds: ``api`` routes (under /software/v4.0/) need a valid Bearer token and pass the client's rate limits,
and their handlers are called as ``handler(sim, request, client_id)``; every other route is called as
``handler(sim, request, path_args)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from portal.cisco.simulator.routes import compliance, control, download, files, metadata, oauth

API = "/software/v4.0"


@dataclass(frozen=True)
class Route:
    """One path pattern with the methods it answers."""

    pattern: re.Pattern[str]
    methods: frozenset[str]
    handler: Callable[..., object]
    kind: str = "plain"  # "api" | "plain" | "control"


def _route(path: str, methods: str, handler: Callable[..., object], kind: str = "plain") -> Route:
    return Route(re.compile(path), frozenset(methods.split()), handler, kind)


ROUTES: tuple[Route, ...] = (
    _route(r"/oauth2/default/v1/token", "POST", oauth.token),
    _route(rf"{API}/metadata/pidrelease", "POST", metadata.pidrelease, "api"),
    _route(rf"{API}/metadata/pidimage", "POST", metadata.pidimage, "api"),
    _route(rf"{API}/metadata/images", "POST", metadata.images, "api"),
    _route(rf"{API}/compliance/k9", "GET POST", compliance.k9, "api"),
    _route(rf"{API}/compliance/eula", "GET POST", compliance.eula, "api"),
    _route(rf"{API}/download/pidimage", "POST", download.pidimage, "api"),
    _route(r"/pcgi-bin/swdld/download\.cgi", "GET HEAD", files.default_download),
    _route(r"/files/swc/sec/(?P<code>[A-Za-z0-9_\-]+)/(?P<name>[^/]+)", "GET HEAD POST", files.cloud_download),
    _route(r"/edge/(?P<code>[A-Za-z0-9_\-]+)/(?P<name>[^/]+)", "GET HEAD POST", files.edge),
    _route(r"/dl/(?P<code>[A-Za-z0-9_\-]+)/(?P<name>[^/]+)", "GET HEAD POST", files.serve),
    _route(r"/_sim/clock", "GET POST", control.clock, "control"),
    _route(r"/_sim/faults", "GET POST DELETE", control.faults, "control"),
    _route(r"/_sim/faults/release", "POST", control.release, "control"),
    _route(r"/_sim/log", "GET DELETE", control.log, "control"),
    _route(r"/_sim/reset", "POST", control.reset, "control"),
    _route(r"/_sim/forms", "GET POST", control.forms, "control"),
    _route(r"/_sim/clients", "GET POST", control.clients, "control"),
    _route(r"/_sim/hostile", "GET POST DELETE", control.hostile, "control"),
    _route(r"/_sim/ratelimit", "GET POST", control.ratelimit, "control"),
)


def match(path: str, *, control_enabled: bool) -> tuple[Route, dict[str, str]] | None:
    """The route for a path (one trailing slash tolerated) and its path arguments."""
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    for route in ROUTES:
        if route.kind == "control" and not control_enabled:
            continue
        found = route.pattern.fullmatch(path)
        if found is not None:
            return route, found.groupdict()
    return None
