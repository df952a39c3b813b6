"""Catalog refresh against the simulator over real HTTP: one query per (PID, release) pair and page, rows upserted
with fetched_at and metadataTransId, progress on the rows, and the same through a real Celery worker."""

from __future__ import annotations

import time

import pytest

from portal.catalog.choices import PairState, Reason, RefreshState
from portal.catalog.models import CatalogRefresh, Image, Product, Recommendation, Release
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start, inventory_pairs
from portal.inventory.choices import OsFamily
from tests.factories_inventory import DeviceFactory

PIDRELEASE = "/software/v4.0/metadata/pidrelease"


def _fleet() -> None:
    DeviceFactory.create_batch(
        5, pid="C9300-24P", current_release="17.3.8a", running_image="cat9k_iosxe.17.03.08a.SPA.bin"
    )
    DeviceFactory.create_batch(3, pid="C9300-24P", current_release="17.03.08a")  # same question upstream
    DeviceFactory.create_batch(
        2, pid="C9300-24P", current_release="17.9.4", running_image="cat9k_iosxe.17.09.04.SPA.bin"
    )
    DeviceFactory.create_batch(
        4,
        pid="WS-C2960X-48FPD-L",
        current_release="15.2(2)E",
        running_image="c2960x-universalk9-mz.152-2.E.bin",
        os_family=OsFamily.IOS,
    )


def _pidrelease_calls(sim) -> list[dict]:
    return [entry for entry in sim.log() if entry["path"] == PIDRELEASE]


@pytest.mark.django_db
def test_pairs_are_distinct_after_normalising_the_release():
    _fleet()
    DeviceFactory(pid="C9300-24P", current_release="")  # no release: cannot be asked about
    pairs = {(p.pid, p.current_release): p.devices for p in inventory_pairs()}
    assert pairs == {("C9300-24P", "17.3.8a"): 8, ("C9300-24P", "17.9.4"): 2, ("WS-C2960X-48FPD-L", "15.2(2)E"): 4}


@pytest.mark.django_db
def test_refresh_asks_once_per_pair_and_page_and_stores_the_catalog(upstream):
    _fleet()
    refresh, created = catalog_refresh_start(enqueue=False)
    assert created and refresh.pairs_total == 3
    refresh = catalog_refresh_run_inline(refresh_id=refresh.pk)

    calls = _pidrelease_calls(upstream.sim)
    assert refresh.state == RefreshState.DONE
    assert refresh.pairs_done == 3 and refresh.pairs_failed == 0
    assert refresh.calls == len(calls)
    assert all(entry["status"] == 200 for entry in calls)
    pages = {p.pid + p.current_release: p.calls for p in refresh.pairs.all()}
    # The 2960-X has dozens of image rows above 15.2(2)E: several pages of 25; the others fit in one.
    assert pages["C9300-24P17.3.8a"] == 1 and pages["C9300-24P17.9.4"] == 1
    assert pages["WS-C2960X-48FPD-L15.2(2)E"] >= 3
    assert refresh.calls == sum(pages.values())

    product = Product.objects.get(pid="C9300-24P")
    assert product.mdf_id == "286313982"
    versions = list(Release.objects.filter(product=product).order_by("-sort_key").values_list("version", flat=True))
    assert versions == ["17.15.1", "17.12.4", "17.9.5", "17.9.4a", "17.9.4", "17.9.1", "17.6.7"]
    release = Release.objects.get(product=product, version="17.9.4")
    assert release.psirt and release.metadata_trans_id and release.fetched_at
    deferred = Release.objects.get(product=product, version="17.9.1")
    assert deferred.is_deferred and deferred.is_deleted
    image = Image.objects.get(release=release)
    assert image.name == "cat9k_iosxe.17.09.04.SPA.bin" and len(image.sha512) == 128 and image.size > 0
    assert image.metadata_trans_id

    # Recommendations follow the refresh.
    rec = Recommendation.objects.filter(device__current_release="17.3.8a").select_related("target_release").first()
    assert rec.reason == Reason.SUGGESTED and rec.target_release.version == "17.12.4"
    on_psirt = Recommendation.objects.filter(device__current_release="17.9.4").first()
    assert on_psirt.psirt is True


@pytest.mark.django_db
def test_refresh_again_updates_rows_without_duplicates(upstream):
    _fleet()
    first, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=first.pk)
    counts = (Product.objects.count(), Release.objects.count(), Image.objects.count())
    old_trans = Release.objects.get(product__pid="C9300-24P", version="17.12.4").metadata_trans_id
    second, created = catalog_refresh_start(enqueue=False)
    assert created
    catalog_refresh_run_inline(refresh_id=second.pk)
    assert (Product.objects.count(), Release.objects.count(), Image.objects.count()) == counts
    assert Release.objects.get(product__pid="C9300-24P", version="17.12.4").metadata_trans_id != old_trans


@pytest.mark.django_db
def test_unknown_pid_and_upstream_errors_are_recorded_per_pair(upstream):
    DeviceFactory(pid="NOT-A-REAL-PID", current_release="1.0(1)")
    DeviceFactory(pid="C9300-24P", current_release="17.15.1")  # nothing above the newest release
    refresh, _ = catalog_refresh_start(enqueue=False)
    refresh = catalog_refresh_run_inline(refresh_id=refresh.pk)
    states = dict(refresh.pairs.values_list("pid", "state"))
    assert states == {"NOT-A-REAL-PID": PairState.NO_DATA, "C9300-24P": PairState.NO_DATA}
    assert refresh.state == RefreshState.DONE and refresh.calls == 2


@pytest.mark.django_db
def test_a_failing_pair_does_not_stop_the_others(upstream):
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9200-24P", current_release="17.3.8a")
    upstream.sim.fault("metadata/pidrelease", kind="status", status=400, count=1)
    refresh, _ = catalog_refresh_start(enqueue=False)
    refresh = catalog_refresh_run_inline(refresh_id=refresh.pk)
    assert refresh.state == RefreshState.DONE_WITH_ERRORS
    assert refresh.pairs_failed == 1 and refresh.pairs_done == 2
    failed = refresh.pairs.get(state=PairState.FAILED)
    assert failed.error_message


@pytest.mark.django_db
def test_a_second_start_returns_the_running_refresh():
    DeviceFactory()
    first, created = catalog_refresh_start(enqueue=False)
    again, created_again = catalog_refresh_start(enqueue=False)
    assert created and not created_again and again.pk == first.pk


@pytest.mark.django_db
def test_pair_task_run_twice_does_nothing_the_second_time(upstream):
    from portal.catalog.services.refresh import catalog_refresh_pair_run

    DeviceFactory(pid="C9300-24P", current_release="17.9.5")
    refresh, _ = catalog_refresh_start(enqueue=False)
    pair = refresh.pairs.get()
    assert catalog_refresh_pair_run(pair_id=pair.pk, follow_up=False) == PairState.DONE
    assert catalog_refresh_pair_run(pair_id=pair.pk, follow_up=False) == "skipped"
    assert len(_pidrelease_calls(upstream.sim)) == 1
    assert CatalogRefresh.objects.get(pk=refresh.pk).pairs_done == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_refresh_fans_out_through_a_real_celery_worker(upstream, start_worker):
    _fleet()
    start_worker(concurrency=2, **upstream.env)
    refresh, _ = catalog_refresh_start()
    deadline = time.monotonic() + 90
    seen_states = set()
    while time.monotonic() < deadline:
        refresh.refresh_from_db()
        seen_states.add(refresh.state)
        if refresh.finished and Recommendation.objects.count() == 14:
            break
        time.sleep(0.2)
    assert refresh.state == RefreshState.DONE, seen_states
    assert refresh.calls == len(_pidrelease_calls(upstream.sim))
    assert Recommendation.objects.filter(reason=Reason.SUGGESTED).count() >= 8


@pytest.mark.django_db
def test_running_images_check_marks_devices_on_deleted_images(upstream):
    from portal.catalog.models import ImageStatus
    from portal.catalog.services.lookups import running_images_check
    from portal.catalog.services.recommendations import recommendations_recompute

    DeviceFactory.create_batch(
        2, pid="C9300-24P", current_release="17.9.1", running_image="cat9k_iosxe.17.09.01.SPA.bin"
    )
    DeviceFactory(pid="C9300-24P", current_release="17.9.5", running_image="cat9k_iosxe.17.09.05.SPA.bin")
    DeviceFactory(pid="C9300-24P", current_release="17.9.5", running_image="packages.conf")  # install mode
    for n in range(5):
        DeviceFactory(pid="C9300-24P", current_release="17.6.7", running_image=f"unknown-{n}.bin")
    recommendations_recompute()
    assert running_images_check() == 7  # packages.conf is not an image name
    calls = [e for e in upstream.sim.log() if e["path"] == "/software/v4.0/metadata/images"]
    assert len(calls) == 2  # five names per call
    assert ImageStatus.objects.get(name="cat9k_iosxe.17.09.01.SPA.bin").is_deleted
    assert ImageStatus.objects.get(name="unknown-0.bin").known is False
    assert Recommendation.objects.filter(running_deleted=True).count() == 2


def test_beat_schedule_names_registered_tasks():
    from portal.catalog import tasks
    from portal.catalog.schedules import BEAT_SCHEDULE
    from portal.celery import app

    app.loader.import_default_modules()
    names = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert names == {tasks.catalog_refresh_scheduled.name, tasks.running_images_check.name}
    assert names <= set(app.tasks)
    assert "catalog-refresh-nightly" in app.conf.beat_schedule or app.finalize() is None


@pytest.mark.django_db
def test_scheduled_refresh_task_starts_a_refresh():
    from portal.catalog.choices import RefreshTrigger
    from portal.catalog.tasks import catalog_refresh_scheduled

    DeviceFactory()
    refresh_id = catalog_refresh_scheduled.run()
    assert CatalogRefresh.objects.get(pk=refresh_id).trigger == RefreshTrigger.SCHEDULE
