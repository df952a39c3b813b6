"""Login throttling (django-axes): who a failed login is counted against, and what a locked-out user is told.

Failures are counted per user name and per client address separately (AXES_LOCKOUT_PARAMETERS); after
PORTAL_LOGIN_FAILURE_LIMIT failures either is locked out of /login/ and /admin/login/ for PORTAL_LOGIN_COOLOFF
minutes. An administrator unlocks it at once by deleting its row under "Axes > Access attempts" in the admin, or
with ``python manage.py axes_reset_username NAME`` / ``axes_reset_ip ADDRESS``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PORTAL_PROXY_COUNT trusted reverse proxies the address the
    first of them saw (X-Forwarded-For, counted from the right: entries further left are the client's to forge).

    Without it, every login through a proxy would come from the proxy's address, and one person's typos would
    lock everybody out."""
    count = settings.PORTAL_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if count > 0 and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out login attempt gets: 429, what happened, for how long, and who can unlock it."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)) if settings.AXES_COOLOFF_TIME else None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "accounts/locked_out.html", context, status=429)
