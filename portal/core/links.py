"""Absolute links to Depot: one for people (e-mails, API answers), one for devices (``copy`` commands).

People and devices often reach Depot at different addresses: engineers browse ``https://depot.example.net`` while
devices copy from a management-network address. ``PORTAL_BASE_URL`` and ``PORTAL_DEVICE_BASE_URL`` name them
(validated in settings); unset, the request's own Host header is used, which is right when there is a request and
both groups reach Depot the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

_MARK = "9081726354"
_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")  # what any route takes as it is: ids, PIDs, keys


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


def portal_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` as an absolute URL for people: under ``PORTAL_BASE_URL`` when set, else from ``request``.

    With neither (an e-mail sent by a worker, say) the path is returned as it is: set ``PORTAL_BASE_URL``.
    """
    if settings.PORTAL_BASE_URL:
        return _join(settings.PORTAL_BASE_URL, path)
    return request.build_absolute_uri(path) if request is not None else path


def device_url(path: str, request: HttpRequest) -> str:
    """``path`` as an absolute URL a device can fetch: under ``PORTAL_DEVICE_BASE_URL`` when set, else from the
    request's Host header."""
    if settings.PORTAL_DEVICE_BASE_URL:
        return _join(settings.PORTAL_DEVICE_BASE_URL, path)
    return request.build_absolute_uri(path)


def route_filler(view_name: str) -> Callable[[object], str]:
    """The path of ``view_name`` for one argument, as a function for the rows of a list: the route is reversed
    once with a marker that each row's value replaces (``reverse()`` per row was a tenth of a long list's time).
    A value with other characters than ``A-Z a-z 0-9 _ . -`` goes through ``reverse()``, which quotes it and
    checks it against the route."""
    route = reverse(view_name, args=[_MARK])

    def fill(value: object) -> str:
        text = str(value)
        return route.replace(_MARK, text, 1) if _PLAIN.fullmatch(text) else reverse(view_name, args=[value])

    return fill
