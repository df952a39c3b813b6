"""Inventory pages: the device list (filters, search, sort, pages, CSV export), detail, edit, imports."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from portal.catalog.browser import device_release_context
from portal.catalog.choices import Fit, FleetStatus
from portal.core.streaming import csv_stream
from portal.inventory.choices import DeviceSource, OsFamily
from portal.inventory.filters import SORT_LABELS, DeviceFilter
from portal.inventory.forms import CsvImportForm, DeviceForm, ShowVersionForm
from portal.inventory.models import Device
from portal.inventory.selectors import device_detail, device_page, devices_csv_rows
from portal.inventory.services.devices import DeviceInvalid, device_delete, device_save
from portal.inventory.services.fields import DEVICE_FIELDS, split_tags
from portal.inventory.services.imports import ImportFileError, devices_import_csv
from portal.inventory.services.netbox import CustomFields, NetBoxError, netbox_sync, skipped_text
from portal.inventory.services.show import ShowParseError, device_from_show, show_parse

PAGE_SIZE = 50


def _query_without(request: HttpRequest, *names: str) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@permission_required("inventory.view_device", raise_exception=True)
def device_list_view(request: HttpRequest) -> HttpResponse:
    """Devices with filters, search, sorting and pages (a fixed number of queries per page)."""
    filterset = DeviceFilter(request.GET, queryset=Device.objects.all())
    page = device_page(filterset.qs, request.GET.get("page"), PAGE_SIZE, filters=request.GET.dict())
    context = {
        "filter": filterset,
        "page": page,
        "sorts": list(SORT_LABELS.items()),
        "current_sort": request.GET.get("ordering", ""),
        "query_no_page": _query_without(request, "page"),
        "query_no_sort": _query_without(request, "page", "ordering"),
        "query": request.GET.urlencode(),
        "status_label": dict(FleetStatus.choices).get(request.GET.get("status", "")),
        "list_url": reverse("inventory:device-list"),  # rows link to list_url + pk: no reverse() per row
        # Selects written in the template: Django's widget templates cost more than the rest of the filter form.
        "os_families": OsFamily.choices,
        "statuses": FleetStatus.choices,
        "fits": Fit.choices,
    }
    return render(request, "inventory/device_list.html", context)


@permission_required("inventory.view_device", raise_exception=True)
def device_export_view(request: HttpRequest) -> StreamingHttpResponse:
    """The (filtered) list as CSV, in the import's columns plus the recommended target."""
    rows = DeviceFilter(request.GET, queryset=Device.objects.all()).qs
    return csv_stream(devices_csv_rows(rows), "devices.csv")


@permission_required("inventory.view_device", raise_exception=True)
def device_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One device: its facts, its recommendation with the reason, and its product's releases."""
    try:
        device = device_detail(pk)
    except Device.DoesNotExist:
        raise Http404("No such device") from None
    context = {"device": device, "recommendation": getattr(device, "recommendation", None)}
    context.update(device_release_context(request, device))
    return render(request, "inventory/device_detail.html", context)


def _device_form(request: HttpRequest, device: Device) -> HttpResponse:
    form = DeviceForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        created = device.pk is None
        device = device_save(device=device, entry=form.entry, source=DeviceSource.MANUAL)
        messages.success(request, f"{device.hostname} {'created' if created else 'saved'}.")
        return redirect("inventory:device-detail", pk=device.pk)
    return render(request, "inventory/device_form.html", {"form": form, "device": device})


@permission_required("inventory.add_device", raise_exception=True)
@require_http_methods(["GET", "POST"])
def device_create_view(request: HttpRequest) -> HttpResponse:
    """Enter one device by hand."""
    return _device_form(request, Device())


@permission_required("inventory.change_device", raise_exception=True)
@require_http_methods(["GET", "POST"])
def device_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one device."""
    return _device_form(request, get_object_or_404(Device, pk=pk))


@permission_required("inventory.delete_device", raise_exception=True)
@require_http_methods(["GET", "POST"])
def device_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete one device."""
    device = get_object_or_404(Device, pk=pk)
    if request.method == "POST":
        device_delete(device=device)
        messages.success(request, f"{device.hostname} deleted.")
        return redirect("inventory:device-list")
    return render(request, "inventory/device_confirm_delete.html", {"device": device})


def _import_context(**forms: object) -> dict:
    context = {
        "csv_form": CsvImportForm(),
        "show_form": ShowVersionForm(),
        "netbox_configured": bool(settings.PORTAL_NETBOX_URL),
        "netbox_fields": CustomFields.from_settings(),
        "columns_doc": COLUMNS_DOC,
    }
    context.update(forms)
    return context


COLUMNS_DOC = [(spec.name, spec.doc) for spec in DEVICE_FIELDS]


@permission_required("inventory.add_device", raise_exception=True)
@require_http_methods(["GET", "POST"])
def device_import_view(request: HttpRequest) -> HttpResponse:
    """Import page: CSV upload (POST here), show version paste and NetBox sync (their own POST URLs)."""
    if request.method != "POST":
        return render(request, "inventory/device_import.html", _import_context())
    form = CsvImportForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = devices_import_csv(file=form.cleaned_data["file"], skip_invalid=form.cleaned_data["skip_invalid"])
        except ImportFileError as exc:
            form.add_error("file", str(exc))
    if result is not None and result.imported:
        messages.success(request, f"Import done: {result.summary}")
        if not result.errors and not result.warnings:
            return redirect(reverse("inventory:device-list") + "?ordering=-updated")
    status = 200 if result is None or result.imported else 400
    context = _import_context(csv_form=form, result=result)
    return render(request, "inventory/device_import.html", context, status=status)


@permission_required("inventory.add_device", raise_exception=True)
@require_POST
def device_import_show_view(request: HttpRequest) -> HttpResponse:
    """Create or update a device from pasted show version / show inventory."""
    form = ShowVersionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            facts = show_parse(
                show_version=data["show_version"], show_inventory=data["show_inventory"], platform=data["platform"]
            )
            device_id, created = device_from_show(
                facts=facts,
                hostname=data["hostname"],
                site=data["site"],
                role=data["role"],
                tags=split_tags(data["tags"]) if data["tags"].strip() else None,
            )
        except ShowParseError as exc:
            form.add_error("show_version", str(exc))
        except DeviceInvalid as exc:
            for column, message in exc.problems:  # what was typed beside the paste, else what the paste said
                field = column if column in ("hostname", "site", "role", "tags") else "show_version"
                form.add_error(field, message if field == column else f"{column}: {message}")
        else:
            for warning in facts.warnings:
                messages.warning(request, warning)
            verb = "created" if created else "updated"
            messages.success(request, f"{facts.hostname or data['hostname']} {verb} from show version.")
            return redirect("inventory:device-detail", pk=device_id)
    return render(request, "inventory/device_import.html", _import_context(show_form=form), status=400)


@permission_required("inventory.add_device", raise_exception=True)
@require_POST
def device_netbox_sync_view(request: HttpRequest) -> HttpResponse:
    """Create or update devices from NetBox (URL and token from settings)."""
    try:
        result = netbox_sync()
    except NetBoxError as exc:
        messages.error(request, f"NetBox sync failed: {exc}")
        return redirect("inventory:device-import")
    seen = f"{result.seen} device{pluralize(result.seen)} seen"
    messages.success(request, f"NetBox: {seen}, {result.created} created, {result.updated} updated.")
    if result.skipped:
        messages.warning(request, f"Skipped {len(result.skipped)}: {skipped_text(result.skipped)}")
    return redirect(reverse("inventory:device-list") + "?ordering=-updated")
