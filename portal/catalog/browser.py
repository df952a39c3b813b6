"""The release browser's context, shared by the product page and the device page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from portal.catalog.caching import catalog_cached
from portal.catalog.forms import ReleaseFilterForm
from portal.catalog.models import Product, Release
from portal.catalog.selectors import (
    ReleaseFilter,
    browser_releases,
    device_counts_by_release,
    device_pair_status,
    product_of_pid,
    product_software_types,
    standards_matching,
)
from portal.core.counts import FLEET
from portal.inventory.models import Device

# The CSRF token a cached release table is rendered with, replaced by the request's own when it is served.
_TOKEN_MARK = "depot-release-table-csrf-token"  # noqa: S105 - a placeholder, not a secret
_TOKEN_INPUT = f'name="csrfmiddlewaretoken" value="{_TOKEN_MARK}"'


@dataclass(frozen=True)
class BrowserState:
    """The parsed filters and what they mean in words."""

    filters: ReleaseFilter
    form: ReleaseFilterForm


def _state(request: HttpRequest, product: Product, default_above: str = "") -> BrowserState:
    form = ReleaseFilterForm(request.GET or None, software_types=product_software_types(product))
    data = form.cleaned_data if form.is_valid() else {}
    above = (data.get("above") or "").strip()
    if not above and default_above and not data.get("all"):
        above = default_above
    filters = ReleaseFilter(
        above=above,
        suggested_only=bool(data.get("suggested")),
        software_type_id=data.get("software_type") or None,
        hide_deleted=bool(data.get("hide_deleted")),
    )
    return BrowserState(filters, form)


def release_context(
    request: HttpRequest, product: Product, *, default_above: str = "", device: Device | None = None
) -> dict:
    """Releases of a product (filtered), device counts per release, and the release table (``release_table``).

    The releases are read when something uses them: a table already in the cache does not."""
    state = _state(request, product, default_above)

    def rows() -> list[Release]:
        releases = browser_releases(product, state.filters)
        counts = device_counts_by_release(product)
        for release in releases:
            release.devices_on = counts.get(release.sort_key, 0)
        return releases

    table = {
        "product": product,
        "releases": SimpleLazyObject(rows),
        "above": state.filters.above,
        "can_set_standard": request.user.has_perm("catalog.add_standardrelease"),
        "can_download": request.user.has_perm("downloads.add_downloadjob"),
        "next_url": request.get_full_path(),
    }
    if device is not None:
        recommendation = getattr(device, "recommendation", None)
        table.update(
            device=device, current_key=device.release_key, target_id=getattr(recommendation, "target_release_id", None)
        )
    return {**table, "release_filter": state.form, "release_table": release_table(request, table, state.filters)}


def release_table(request: HttpRequest, table: dict, filters: ReleaseFilter) -> SafeString:
    """The release table, rendered once per catalog and fleet generation for what it shows (the product, the filters,
    the user's rights, the page's URL, the device's site, current release and target) and then read from the
    shared cache, with the request's own CSRF token put into its forms (a token belongs to one session)."""
    device = table.get("device")
    parts = (
        table["product"].pk,
        filters,
        table["can_set_standard"],
        table["can_download"],
        table["next_url"],
        device.site if device is not None else None,
        table.get("current_key"),
        table.get("target_id"),
    )
    html = catalog_cached(
        "release-table",
        parts,
        lambda: render_to_string("catalog/_release_table.html", {**table, "csrf_token": _TOKEN_MARK}),
        also=(FLEET,),  # the device counts per release
    )
    token = f'name="csrfmiddlewaretoken" value="{get_token(request)}"'
    return mark_safe(html.replace(_TOKEN_INPUT, token))  # noqa: S308 - rendered by our template, escaped there


def device_release_context(request: HttpRequest, device: Device) -> dict:
    """The device page's release browser: its product's releases above its current one unless asked otherwise,
    whether the upstream has answered about the device's (PID, release) (so a partial list never looks whole),
    and the standards matching the device."""
    pair = device_pair_status(device)
    product = product_of_pid(device.pid)
    if product is None:
        return {"product": None, "releases": [], "pair": pair, "matching_standards": []}
    context = release_context(request, product, default_above=device.current_release, device=device)
    return {**context, "pair": pair, "matching_standards": standards_matching(device)}
