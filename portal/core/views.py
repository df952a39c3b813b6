from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

from portal.core.health import run_checks


@login_not_required  # load balancers and probes have no session
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """503 naming the gates that fail (database, broker, storage); else 200, "degraded" naming other checks that
    fail (the upstream, the last catalog refresh), or "ok"."""
    results = run_checks()
    failing = [check.name for check, gate in results if gate and not check.ok]
    degraded = [check.name for check, gate in results if not gate and not check.ok]
    body = {
        "status": "unhealthy" if failing else "degraded" if degraded else "ok",
        "failing": failing,
        "degraded": degraded,
        "checks": {check.name: {"ok": check.ok, "gate": gate, "detail": check.detail} for check, gate in results},
    }
    return JsonResponse(body, status=503 if failing else 200)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for paths no URL matches: the API's JSON error body under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "message": "No such API path."}, status=404)
    return page_not_found(request, exception or Http404())


def home(request: HttpRequest) -> HttpResponse:
    """The landing page: links for what the user's roles let them do."""
    return render(request, "core/home.html")
