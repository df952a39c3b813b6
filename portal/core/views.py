from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.core.health import run_checks
from portal.core.navigation import home_url


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


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The fleet dashboard, served at "/" itself for everyone who may see it (the page an app marks ``home`` in the
    navigation, found by its URL so core imports no app); a user with no role yet is told what to ask for."""
    target = home_url(request)
    if target is None:
        return render(request, "core/home.html")
    match = resolve(target)
    return match.func(request, *match.args, **match.kwargs)


def _api_error(request: HttpRequest, status: int, code: str, message: str) -> JsonResponse | None:
    """The API's JSON error body for a path under /api/ that no API view handled; None for pages."""
    if not request.path.startswith("/api/"):
        return None
    return JsonResponse({"code": code, "message": message}, status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: which roles the user holds and who can give another (views raise PermissionDenied without a text)."""
    api = _api_error(request, 403, "permission_denied", "You do not have permission to perform this action.")
    if api is not None:
        return api
    return render(request, "core/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 for what no URL or object matches: the page chrome and a way on; the API's JSON error body under /api/."""
    api = _api_error(request, 404, "not_found", "No such API path.")
    if api is not None:
        return api
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, rendered without context processors or the database: whatever failed may fail again."""
    api = _api_error(request, 500, "server_error", "Depot failed to answer; the error is in its log.")
    if api is not None:
        return api
    return HttpResponse(loader.get_template("core/500.html").render(), status=500)
