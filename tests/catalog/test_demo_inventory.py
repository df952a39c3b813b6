"""The quick start's demo fleet: every device imports, on PIDs and releases the simulator's catalog knows."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from portal.catalog.models import CatalogRefresh
from portal.inventory.models import Device

pytestmark = pytest.mark.django_db


def test_demo_inventory_loads_once_and_queues_a_refresh(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        call_command("demo_inventory")
    assert Device.objects.count() == 18
    refresh = CatalogRefresh.objects.get()
    assert refresh.pairs_total == Device.objects.values("pid", "current_release").distinct().count()
    call_command("demo_inventory")
    assert "not loaded" in capsys.readouterr().out
    assert Device.objects.count() == 18


def test_demo_devices_refresh_against_the_simulator(upstream):
    from portal.catalog.models import Release
    from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start

    call_command("demo_inventory")
    CatalogRefresh.objects.all().delete()
    refresh, _ = catalog_refresh_start(enqueue=False)
    refresh = catalog_refresh_run_inline(refresh_id=refresh.pk)
    assert refresh.state == "done", refresh
    # Every demo PID has releases above the one it runs, so the release browser shows something for each.
    pids_with_releases = set(Release.objects.values_list("product__pid", flat=True))
    assert set(Device.objects.values_list("pid", flat=True)) <= pids_with_releases


def test_pages_and_api_take_pids_with_a_slash(upstream, client, engineer, api_as):
    """ISR4351/K9: a slash in a PID must not break links, pages or API routes."""
    from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start

    call_command("demo_inventory")
    CatalogRefresh.objects.all().delete()
    refresh, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=refresh.pk)
    client.force_login(engineer)
    for path in ["/catalog/", "/dashboard/", "/devices/", "/catalog/products/ISR4351/K9/"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert 'href="/catalog/products/ISR4351/K9/"' in client.get("/catalog/").content.decode()
    api = api_as(engineer)
    detail = api.get("/api/v1/catalog/products/ISR4351/K9/")
    assert detail.status_code == 200 and detail.json()["pid"] == "ISR4351/K9"
    releases = api.get("/api/v1/catalog/products/ISR4351/K9/releases/")
    assert releases.status_code == 200 and releases.json()["count"] > 0
    plain = api.get("/api/v1/catalog/products/C9300-48P/releases/")
    assert plain.status_code == 200 and plain.json()["count"] > 0
