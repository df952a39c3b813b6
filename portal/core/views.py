from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.health import run_checks


@login_not_required  # load balancers and probes have no session
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the broker and storage all work; 503 naming what does not."""
    checks = run_checks()
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "ok" if not failing else "unhealthy",
        "failing": failing,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=503 if failing else 200)


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: links for what the user's roles let them do."""
    return render(request, "core/home.html")
