"""The release browser's context, shared by the product page and the device page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from portal.catalog.forms import ReleaseFilterForm
from portal.catalog.models import Product, Release, SoftwareType
from portal.catalog.selectors import (
    ReleaseFilter,
    device_counts_by_release,
    device_pair_status,
    release_families_attach,
    releases_of_product,
    standards_matching,
)
from portal.inventory.models import Device


@dataclass(frozen=True)
class BrowserState:
    """The parsed filters and what they mean in words."""

    filters: ReleaseFilter
    form: ReleaseFilterForm


def _state(request: HttpRequest, product: Product, default_above: str = "") -> BrowserState:
    types = list(SoftwareType.objects.filter(releases__product=product).distinct().order_by("name"))
    form = ReleaseFilterForm(request.GET or None, software_types=types)
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


def release_context(request: HttpRequest, product: Product, *, default_above: str = "") -> dict:
    """Releases of a product (filtered), device counts per release, and what the buttons need."""
    state = _state(request, product, default_above)
    releases: list[Release] = list(releases_of_product(product, state.filters))
    counts = device_counts_by_release(product)
    for release in releases:
        release.devices_on = counts.get(release.sort_key, 0)
    release_families_attach(product, releases)
    return {
        "product": product,
        "releases": releases,
        "release_filter": state.form,
        "above": state.filters.above,
        "can_set_standard": request.user.has_perm("catalog.add_standardrelease"),
        "next_url": request.get_full_path(),
    }


def device_release_context(request: HttpRequest, device: Device) -> dict:
    """The device page's release browser: its product's releases above its current one unless asked otherwise,
    whether the upstream has answered about the device's (PID, release) (so a partial list never looks whole),
    and the standards matching the device."""
    pair = device_pair_status(device)
    product = Product.objects.filter(pid__iexact=device.pid).first()
    if product is None:
        return {"product": None, "releases": [], "pair": pair, "matching_standards": []}
    context = release_context(request, product, default_above=device.current_release)
    return {**context, "pair": pair, "matching_standards": standards_matching(device)}
