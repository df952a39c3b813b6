"""Absolute links to Depot: one for people (e-mails, API answers), one for devices (``copy`` commands).

People and devices often reach Depot at different addresses: engineers browse ``https://depot.example.net`` while
devices copy from a management-network address. ``PORTAL_BASE_URL`` and ``PORTAL_DEVICE_BASE_URL`` name them
(validated in settings); unset, the request's own Host header is used, which is right when there is a request and
both groups reach Depot the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


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
