"""Pages and API endpoints use a fixed number of queries whatever the number of devices, releases and images.

Each endpoint is measured with a small and a ten-times larger data set; the count must not grow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.catalog.models import ImageFamily
from portal.catalog.services.recommendations import recommendations_recompute
from portal.inventory.models import Device, Tag
from tests.factories_inventory import DeviceFactory, ImageFactory, StandardReleaseFactory, catalog_of

pytestmark = pytest.mark.django_db

PAGES = [
    "/devices/",
    "/devices/?status=upgrade_available&ordering=-current_release",
    "/devices/?q=sw&tag=t0",
    "/devices/?ordering=-target&fit=unknown",
    "/devices/?status=downgrade",
    "/devices/{device}/",
    "/devices/{device}/?all=on",
    "/catalog/",
    "/catalog/products/C9300-24P/",
    "/catalog/standards/",
    "/dashboard/",
    "/catalog/refresh/",
]
API = [
    "/api/v1/devices/",
    "/api/v1/devices/?status=psirt&ordering=site",
    "/api/v1/devices/{device}/",
    "/api/v1/devices/{device}/recommendation/",
    "/api/v1/devices/{device}/releases/?all=true",
    "/api/v1/catalog/products/",
    "/api/v1/catalog/products/C9300-24P/releases/",
    "/api/v1/catalog/releases/",
    "/api/v1/catalog/images/",
    "/api/v1/catalog/standards/",
    "/api/v1/catalog/families/",
    "/api/v1/catalog/recommendations/",
    "/api/v1/catalog/recommendations/?fit=unknown",
    "/api/v1/devices/?ordering=target",
    "/api/v1/catalog/report/",
]


def _grow(scale: int) -> int:
    """Releases, images, standards, products, tags and devices, all ``scale`` times over."""
    rows = [(f"17.{i}.{j}", "suggested" if j % 3 == 0 else "psirt") for i in range(1, 4) for j in range(scale)]
    releases = catalog_of("C9300-24P", rows)
    for release in list(releases.values())[: scale * 2]:
        ImageFactory(release=release, name=f"extra-{release.version}.tar", is_related=True)
    for i in range(scale):
        catalog_of(f"C9300-{i}X", [("17.1.1",)])
        StandardReleaseFactory(release=releases[f"17.1.{i}"], site=f"site{i}")
    tags = [Tag.objects.create(name=f"t{i}") for i in range(scale)]
    devices = DeviceFactory.create_batch(scale * 12, current_release="17.1.1")
    for i, device in enumerate(devices):
        device.site = f"site{i % scale}"
        device.tags.add(tags[i % scale], tags[(i + 1) % scale])
    Device.objects.bulk_update(devices, ["site"])
    recommendations_recompute()  # derives the image family every PID here shares (cat9k_iosxe)
    family = ImageFamily.objects.get(key="cat9k_iosxe")
    StandardReleaseFactory(release=releases["17.1.1"], product=None, family=family, role=f"r{scale}")
    StandardReleaseFactory(release=releases["17.2.1"], product=None, family=family)  # devices of no PID standard
    recommendations_recompute()
    return devices[0].pk


def _count(client, url: str) -> int:
    """Queries of the second request: the steady state (the first also fills the shared cache, whose writes are
    database queries with the embedded cache and none with Redis)."""
    first = client.get(url)
    if getattr(first, "streaming", False):
        b"".join(first.streaming_content)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def _measure(client, urls: list[str]) -> dict[str, tuple[int, int]]:
    device = _grow(3)
    small = {url: _count(client, url.format(device=device)) for url in urls}
    _grow_more()
    large = {url: _count(client, url.format(device=device)) for url in urls}
    return {url: (small[url], large[url]) for url in urls}


def _grow_more() -> None:
    """Ten times the devices and more releases and images for the same PID."""
    releases = catalog_of("C9300-24P", [(f"18.{i}.1", "suggested") for i in range(30)])
    for release in releases.values():
        ImageFactory(release=release, name=f"more-{release.version}.bin")
    tags = list(Tag.objects.all())
    for i, device in enumerate(DeviceFactory.create_batch(360, current_release="17.2.1")):
        device.tags.add(tags[i % len(tags)])
    recommendations_recompute()


def test_pages_query_count_does_not_grow(client, engineer, django_assert_max_num_queries):
    client.force_login(engineer)
    for url, (small, large) in _measure(client, PAGES).items():
        assert large <= small, f"{url}: {small} queries with few rows, {large} with many"
        assert small <= 20, f"{url}: {small} queries"


def test_api_query_count_does_not_grow(api_as, engineer):
    api = api_as(engineer)
    for url, (small, large) in _measure(api, API).items():
        assert large <= small, f"{url}: {small} queries with few rows, {large} with many"
        assert small <= 20, f"{url}: {small} queries"


def test_device_list_within_a_fixed_budget(client, engineer, django_assert_max_num_queries):
    # Budgets include the page chrome: session, user, permissions, roles, other apps' navigation badges and the
    # upstream banner's status (one read of the shared cache: a query with the embedded database cache).
    _grow(5)
    client.force_login(engineer)
    client.get("/devices/?ordering=-current_release&page=2")  # the count is kept per fleet generation
    with django_assert_max_num_queries(12):
        client.get("/devices/?ordering=-current_release&page=2")
    with django_assert_max_num_queries(17):  # a new generation: the aggregates run once
        client.get("/dashboard/")
    with django_assert_max_num_queries(9):  # then the shared cache answers
        client.get("/dashboard/")
    client.get("/catalog/products/C9300-24P/")
    with django_assert_max_num_queries(16):  # + the PID's image families and their standards (release list)
        client.get("/catalog/products/C9300-24P/")
