"""New (PID, release) pairs are fetched by themselves: whenever devices are written through any entry so that their
pair has no catalog data, a refresh of just those pairs is queued, joining one already queued or running. The
device page says when its pair has not been fetched (or why the fetch failed), with a button that asks."""

from __future__ import annotations

import pytest
from django.db import transaction

from portal.catalog.choices import PairState, RefreshState, RefreshTrigger
from portal.catalog.models import CatalogRefresh
from portal.catalog.selectors import pair_status
from portal.catalog.services.refresh import catalog_refresh_run_inline
from portal.inventory.models import Device
from portal.inventory.services.imports import devices_import_csv
from tests.factories_inventory import DeviceFactory, save_device
from tests.waiting import wait_for

HEADER = "hostname,pid,current_release\n"


def _pairs(refresh: CatalogRefresh) -> set[tuple[str, str]]:
    return set(refresh.pairs.values_list("pid", "current_release"))


@pytest.mark.django_db
def test_written_devices_queue_just_their_new_pairs(upstream):
    devices_import_csv(file=HEADER + "a1,C9300-24P,17.03.08a\na2,C9300-24P,17.3.8a\nb1,C9200-24P,17.9.4\n")
    refresh = CatalogRefresh.objects.get()
    assert refresh.trigger == RefreshTrigger.INVENTORY and refresh.state == RefreshState.QUEUED
    assert _pairs(refresh) == {("C9300-24P", "17.3.8a"), ("C9200-24P", "17.9.4")}
    catalog_refresh_run_inline(refresh_id=refresh.pk)

    # Pairs with catalog data (nothing above the newest release is data too) queue nothing.
    save_device(hostname="a3", pid="C9300-24P", current_release="17.3.8a")
    save_device(hostname="a4", pid="NOT-A-PID", current_release="1.0(1)")  # a new pair: queued
    assert CatalogRefresh.objects.count() == 2
    second = CatalogRefresh.objects.latest("created")
    assert _pairs(second) == {("NOT-A-PID", "1.0(1)")}
    catalog_refresh_run_inline(refresh_id=second.pk)
    save_device(hostname="a5", pid="NOT-A-PID", current_release="1.0(1)")  # answered (no data): not again
    assert CatalogRefresh.objects.count() == 2

    # An edit that moves a device to a new pair queues it; edits that keep the pair do not.
    device = Device.objects.get(hostname="b1")
    save_device(device, pid="C9200-24P", current_release="17.9.4", notes="moved")
    assert CatalogRefresh.objects.count() == 2
    save_device(device, pid="C9200-24P", current_release="17.12.4")
    assert _pairs(CatalogRefresh.objects.latest("created")) == {("C9200-24P", "17.12.4")}


@pytest.mark.django_db
def test_pairs_written_while_a_refresh_is_queued_join_it_and_rollbacks_queue_nothing():
    save_device(hostname="a1", pid="C9300-24P", current_release="17.3.8a")
    save_device(hostname="a2", pid="C9300-24P", current_release="17.9.4")
    refresh = CatalogRefresh.objects.get()
    assert refresh.pairs_total == 2 and _pairs(refresh) == {("C9300-24P", "17.3.8a"), ("C9300-24P", "17.9.4")}

    with pytest.raises(RuntimeError), transaction.atomic():
        save_device(hostname="x1", pid="C9200-24P", current_release="17.3.8a")
        raise RuntimeError("the import failed half-way")
    refresh.refresh_from_db()
    assert refresh.pairs_total == 2 and CatalogRefresh.objects.count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_new_pair_arriving_while_a_refresh_runs_is_not_lost(upstream, start_worker):
    worker = start_worker(concurrency=2, **upstream.env)
    sim = upstream.sim
    sim.hold("metadata/pidrelease", count=1)
    save_device(hostname="a1", pid="C9300-24P", current_release="17.3.8a")
    wait_for(sim.held, "the first refresh's query to reach the simulator", worker=worker)
    refresh = CatalogRefresh.objects.get()
    assert refresh.state == RefreshState.RUNNING

    save_device(hostname="b1", pid="C9200-24P", current_release="17.3.8a")  # arrives while the query is held
    assert CatalogRefresh.objects.count() == 1
    refresh.refresh_from_db()
    assert refresh.pairs_total == 2
    sim.release()

    def finished() -> bool:
        refresh.refresh_from_db()
        return refresh.finished

    wait_for(finished, "the refresh with both pairs", worker=worker)
    assert refresh.state == RefreshState.DONE and refresh.pairs_done == 2
    assert set(refresh.pairs.values_list("state", flat=True)) == {PairState.DONE}
    for pid in ("C9300-24P", "C9200-24P"):
        assert pair_status(pid=pid, release="17.3.8a").complete
    assert refresh.calls == sum(entry["path"].endswith("/pidrelease") for entry in sim.log())


@pytest.mark.django_db
def test_device_page_says_when_its_pair_is_not_fetched_and_asks(upstream, client, engineer, officer):
    # Another device's pair put C9300-24P in the catalog: its releases must not look whole for this device.
    other = DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    device = DeviceFactory(pid="C9300-24P", current_release="17.9.3")
    first = devices_refresh([other.pk])
    assert first.state == RefreshState.DONE

    client.force_login(engineer)
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert "Releases above 17.9.3 have not been fetched from the upstream yet." in page
    assert "The list below is only what other devices" in page and 'id="releases-incomplete"' in page
    assert 'id="pair-refresh"' in page and "Fetch them now" in page

    asked = client.post(f"/catalog/refresh/device/{device.pk}/", follow=True).content.decode()
    queued = CatalogRefresh.objects.latest("created")
    assert f"Refresh #{queued.pk} started over 1 (PID, release) pair." in asked
    assert _pairs(queued) == {("C9300-24P", "17.9.3")}
    assert "are being fetched from the upstream" in asked and 'id="pair-refresh"' not in asked

    catalog_refresh_run_inline(refresh_id=queued.pk)
    done = client.get(f"/devices/{device.pk}/").content.decode()
    assert "Releases above 17.9.3 as the upstream listed them" in done and 'id="releases-incomplete"' not in done

    client.force_login(officer)  # may read, may not ask
    assert 'id="pair-refresh"' not in client.get(f"/devices/{device.pk}/").content.decode()
    assert client.post(f"/catalog/refresh/device/{device.pk}/").status_code == 403


@pytest.mark.django_db
def test_device_page_says_why_the_fetch_failed(upstream, client, engineer):
    device = DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    upstream.sim.fault("metadata/pidrelease", kind="status", status=400, count=1)
    failed = devices_refresh([device.pk])
    assert failed.state == RefreshState.DONE_WITH_ERRORS
    client.force_login(engineer)
    page = client.get(f"/devices/{device.pk}/").content.decode()
    assert "The upstream could not be asked about C9300-24P 17.3.8a: Bad Request (HTTP 400)" in page
    assert "Try again" in page and f"refresh #{failed.pk}" in page


def devices_refresh(device_ids: list[int]) -> CatalogRefresh:
    """Refresh the pairs of some devices in this process."""
    from portal.catalog.services.refresh import catalog_refresh_queue, inventory_pairs

    queued = catalog_refresh_queue(pairs=inventory_pairs(device_ids=device_ids), trigger=RefreshTrigger.PAGE)
    return catalog_refresh_run_inline(refresh_id=queued.refresh.pk)
