"""Catalog pages: products and their releases, standards, the fleet dashboard, refreshes, image look-ups."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, Value, When
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.catalog.browser import release_context
from portal.catalog.choices import FleetStatus, PairState, RefreshTrigger
from portal.catalog.forms import ImageSearchForm, ImageStatusForm, StandardAddForm, StandardForm
from portal.catalog.models import CatalogRefresh, ImageStatus, Product, Release, StandardRelease
from portal.catalog.selectors import (
    DASHBOARD_BUCKETS,
    product_page,
    report_csv_rows,
)
from portal.catalog.services.lookups import image_search, image_status_check
from portal.catalog.services.refresh import (
    RefreshRefused,
    catalog_refresh_queue,
    catalog_refresh_retry,
    inventory_pairs,
)
from portal.catalog.services.standards import (
    StandardExists,
    standard_release_delete,
    standard_release_find,
    standard_release_set,
)
from portal.catalog.summary import fleet_summary
from portal.core.links import route_filler
from portal.core.streaming import csv_stream
from portal.core.upstream_errors import upstream_call_for_page
from portal.inventory.filters import DeviceFilter
from portal.inventory.models import Device


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@permission_required("catalog.view_product", raise_exception=True)
def product_list_view(request: HttpRequest) -> HttpResponse:
    """Products in the catalog with release, standard and device counts."""
    search = request.GET.get("q", "").strip()
    page = product_page(search, request.GET.get("page"))
    product_path = route_filler("catalog:product-detail")
    for product in page.object_list:
        product.path = product_path(product.pid)
    context = {"page": page, "q": search, "device_list_url": reverse("inventory:device-list")}
    return render(request, "catalog/product_list.html", context)


@permission_required("catalog.view_release", raise_exception=True)
def product_detail_view(request: HttpRequest, pid: str) -> HttpResponse:
    """The release browser of one PID."""
    product = get_object_or_404(Product, pid=pid)
    return render(request, "catalog/product_detail.html", release_context(request, product))


def _standards_page(request: HttpRequest, form: StandardAddForm, status: int = 200) -> HttpResponse:
    standards = (
        StandardRelease.objects.select_related("product", "family", "release", "created_by")
        .annotate(family_size=Count("family__products", distinct=True))
        .order_by("family__name", "family__key", "product__pid", "site", "role")
    )
    page = Paginator(standards, 100).get_page(request.GET.get("page"))
    return render(request, "catalog/standard_list.html", {"page": page, "form": form}, status=status)


@permission_required("catalog.view_standardrelease", raise_exception=True)
@require_GET
def standard_list_view(request: HttpRequest) -> HttpResponse:
    """Every standard with its scope, and the form that adds one."""
    return _standards_page(request, StandardAddForm())


def _set_standard(request: HttpRequest, release: Release, data: dict) -> StandardRelease:
    """standard_release_set with what a form gave (raises StandardExists or ValidationError)."""
    return standard_release_set(
        release=release,
        family=data.get("family"),
        site=data.get("site", ""),
        role=data.get("role", ""),
        note=data.get("note", ""),
        user=request.user,
        replace=bool(data.get("replace")),
    )


def _set_message(standard: StandardRelease) -> str:
    return f"{standard.release.version} is now the standard for {standard.scope_text}."


@permission_required("catalog.add_standardrelease", raise_exception=True)
@require_POST
def standard_add_view(request: HttpRequest) -> HttpResponse:
    """The standards page's add form: a PID or an image family, a version, a site and/or role."""
    form = StandardAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            release = standard_release_find(version=data["version"], pid=data["pid"], family=data["family"])
            standard = _set_standard(request, release, data)
        except StandardExists as exc:
            form.add_error("replace", f"{exc} Tick the box to replace it, or remove it first.")
        except ValidationError as exc:
            _form_errors(form, exc, default="version")
        else:
            messages.success(request, _set_message(standard))
            return redirect("catalog:standard-list")
    return _standards_page(request, form, status=400)


def _form_errors(form: forms.Form, exc: ValidationError, *, default: str) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else default, errors)
    else:
        form.add_error(default, exc.messages)


@permission_required("catalog.add_standardrelease", raise_exception=True)
@require_POST
def standard_create_view(request: HttpRequest) -> HttpResponse:
    """Mark a release as standard for its PID or one of its image families (the release list's quick form)."""
    form = StandardForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Could not set the standard: " + "; ".join(e for es in form.errors.values() for e in es)
        )
        return redirect(_next(request, "catalog:standard-list"))
    try:
        standard = _set_standard(request, form.cleaned_data["release"], form.cleaned_data)
    except StandardExists as exc:
        messages.error(request, f"{exc} Tick “Replace” to change it, or change it on the standards page.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _set_message(standard))
    return redirect(_next(request, "catalog:standard-list"))


@permission_required("catalog.delete_standardrelease", raise_exception=True)
@require_POST
def standard_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a standard."""
    standard = get_object_or_404(StandardRelease.objects.select_related("product", "family", "release"), pk=pk)
    text = standard.scope_text
    standard_release_delete(standard=standard)
    messages.success(request, f"Standard removed for {text}.")
    return redirect(_next(request, "catalog:standard-list"))


def _dashboard_devices(request: HttpRequest):
    return DeviceFilter(request.GET, queryset=Device.objects.all()).qs


@permission_required("inventory.view_device", raise_exception=True)
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    """Fleet report: counts per bucket (links drill down to the devices), a chart per OS family, top PIDs."""
    summary = fleet_summary()
    counts = summary["counts"]
    labels = dict(FleetStatus.choices)
    tiles = [{"key": b, "label": labels[b], "count": counts[b]} for b in DASHBOARD_BUCKETS]
    context = {"total": counts["total"], "tiles": tiles, "chart": summary["chart"], "top_pids": summary["top_pids"]}
    return render(request, "catalog/dashboard.html", context)


@permission_required("inventory.view_device", raise_exception=True)
@require_GET
def dashboard_export_view(request: HttpRequest) -> StreamingHttpResponse:
    """The fleet report per device as CSV (the device list's filters apply, e.g. ?status=upgrade_available)."""
    return csv_stream(report_csv_rows(_dashboard_devices(request)), "fleet-report.csv")


@permission_required("catalog.view_release", raise_exception=True)
def refresh_list_view(request: HttpRequest) -> HttpResponse:
    """Recent refreshes, the running one with a live progress bar, and the start buttons."""
    refreshes = list(CatalogRefresh.objects.select_related("requested_by").order_by("-created")[:20])
    latest_check = ImageStatus.objects.order_by("-checked_at").values_list("checked_at", flat=True).first()
    context = {"refreshes": refreshes, "latest_check": latest_check, "statuses": ImageStatus.objects.count()}
    if refreshes:
        context.update(_progress_context(refreshes[0]))
    return render(request, "catalog/refresh_list.html", context)


@permission_required("catalog.refresh_catalog", raise_exception=True)
@require_POST
def refresh_start_view(request: HttpRequest) -> HttpResponse:
    """Start a refresh (or show the one already running)."""
    queued = catalog_refresh_queue(pairs=inventory_pairs(), trigger=RefreshTrigger.PAGE, requested_by=request.user)
    messages.success(request, queued.summary)
    return redirect("catalog:refresh-list")


@permission_required("catalog.refresh_catalog", raise_exception=True)
@require_POST
def refresh_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask again for the failed pairs of a finished refresh."""
    get_object_or_404(CatalogRefresh, pk=pk)
    try:
        queued = catalog_refresh_retry(refresh_id=pk, requested_by=request.user)
    except RefreshRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, queued.summary)
    return redirect("catalog:refresh-list")


def _progress_context(refresh: CatalogRefresh) -> dict:
    return {
        "refresh": refresh,
        "failed": refresh.pairs.filter(state=PairState.FAILED).order_by("pid", "current_release")[:10],
        "shared": refresh.pairs.filter(answered_by__isnull=False).exclude(state=PairState.FAILED).count(),
    }


@permission_required("catalog.refresh_catalog", raise_exception=True)
@require_POST
def device_refresh_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the upstream about one device's (PID, release): it joins the active refresh or starts one."""
    device = get_object_or_404(Device, pk=pk)
    pairs = inventory_pairs(device_ids=[device.pk])
    if not pairs:
        messages.error(request, "This device has no current release: the upstream cannot be asked what is above it.")
    else:
        queued = catalog_refresh_queue(pairs=pairs, trigger=RefreshTrigger.PAGE, requested_by=request.user)
        messages.success(request, queued.summary)
    return redirect("inventory:device-detail", pk=device.pk)


@permission_required("catalog.view_release", raise_exception=True)
@require_GET
def refresh_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls (it stops polling once the refresh has finished)."""
    refresh = get_object_or_404(CatalogRefresh.objects.select_related("requested_by"), pk=pk)
    return render(request, "catalog/_refresh_progress.html", _progress_context(refresh))


@permission_required("catalog.view_release", raise_exception=True)
@require_GET
def refresh_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One refresh: its progress and every pair with its outcome (failed ones first, with the upstream's answer)."""
    refresh = get_object_or_404(CatalogRefresh.objects.select_related("requested_by"), pk=pk)
    failed_first = Case(When(state=PairState.FAILED, then=Value(0)), default=Value(1))
    pairs = refresh.pairs.order_by(failed_first, "pid", "current_release")
    page = Paginator(pairs, 100).get_page(request.GET.get("page"))
    return render(request, "catalog/refresh_detail.html", {**_progress_context(refresh), "page": page})


@permission_required("catalog.refresh_catalog", raise_exception=True)
@require_POST
def running_images_check_view(request: HttpRequest) -> HttpResponse:
    """Queue a status check of every running image of the inventory (metadata/images, five names per call)."""
    from portal.catalog.tasks import running_images_check_task

    running_images_check_task.delay()
    messages.success(request, "Status check of the running images queued.")
    return redirect("catalog:refresh-list")


@permission_required("catalog.view_image", raise_exception=True)
@require_http_methods(["GET", "POST"])
def image_lookup_view(request: HttpRequest) -> HttpResponse:
    """Image search by PID and names (metadata/pidimage) and status of image names (metadata/images)."""
    search_form = ImageSearchForm(prefix="search")
    status_form = ImageStatusForm(prefix="status", initial={"names": request.GET.get("names", "")})
    context: dict = {}
    if request.method == "POST" and "search-pid" in request.POST:
        search_form = ImageSearchForm(request.POST, prefix="search")
        if search_form.is_valid():
            context["search"] = upstream_call_for_page(
                request,
                image_search,
                pid=search_form.cleaned_data["pid"],
                image_names=search_form.cleaned_data["names"],
            )
    elif request.method == "POST":
        status_form = ImageStatusForm(request.POST, prefix="status")
        if status_form.is_valid():
            context["statuses"] = upstream_call_for_page(
                request, image_status_check, image_names=status_form.cleaned_data["names"]
            )
    context.update(search_form=search_form, status_form=status_form)
    return render(request, "catalog/image_lookup.html", context)
