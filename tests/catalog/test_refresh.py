"""Catalog refresh against the simulator over real HTTP: one query per PID (and page), rows upserted
with fetched_at and metadataTransId, progress on the rows, and the same through a real Celery worker."""

from __future__ import annotations

from collections import Counter

import pytest

from portal.catalog.choices import PairState, Reason, RefreshState
from portal.catalog.models import CatalogRefresh, Image, Product, Recommendation, Release
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start, inventory_pairs
from portal.inventory.choices import OsFamily
from tests.factories_inventory import DeviceFactory
from tests.waiting import wait_for

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
def test_refresh_asks_once_per_pid_and_page_and_stores_the_catalog(upstream):
    _fleet()
    refresh, created = catalog_refresh_start(enqueue=False)
    assert created and refresh.pairs_total == 3
    refresh = catalog_refresh_run_inline(refresh_id=refresh.pk)

    calls = _pidrelease_calls(upstream.sim)
    assert refresh.state == RefreshState.DONE
    assert refresh.pairs_done == 3 and refresh.pairs_failed == 0
    assert refresh.calls == len(calls)
    assert all(entry["status"] == 200 for entry in calls)
    pairs = {p.pid + p.current_release: p for p in refresh.pairs.all()}
    # 17.9.4 is listed in the answer above 17.3.8a: that one query answers both C9300 pairs.
    lowest, higher = pairs["C9300-24P17.3.8a"], pairs["C9300-24P17.9.4"]
    assert lowest.calls == 1 and lowest.answered_by_id is None
    assert higher.calls == 0 and higher.answered_by_id == lowest.pk and higher.state == PairState.DONE
    assert higher.records == 4  # 17.9.4a, 17.9.5, 17.12.4, 17.15.1
    # The 2960-X has dozens of image rows above 15.2(2)E: several pages of 25.
    assert pairs["WS-C2960X-48FPD-L15.2(2)E"].calls >= 3
    assert refresh.calls == sum(p.calls for p in pairs.values()) == 1 + pairs["WS-C2960X-48FPD-L15.2(2)E"].calls

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
def test_a_second_start_returns_the_running_refresh():
    DeviceFactory()
    first, created = catalog_refresh_start(enqueue=False)
    again, created_again = catalog_refresh_start(enqueue=False)
    assert created and not created_again and again.pk == first.pk


@pytest.mark.django_db
def test_pid_task_run_twice_does_nothing_the_second_time(upstream):
    from portal.catalog.services.refresh import catalog_refresh_pairs_run

    DeviceFactory(pid="C9300-24P", current_release="17.9.5")
    DeviceFactory(pid="C9300-24P", current_release="17.12.4")
    refresh, _ = catalog_refresh_start(enqueue=False)
    ids = list(refresh.pairs.values_list("id", flat=True))
    assert catalog_refresh_pairs_run(pair_ids=ids, follow_up=False) == {PairState.DONE: 2}
    assert catalog_refresh_pairs_run(pair_ids=ids, follow_up=False) == {}
    assert len(_pidrelease_calls(upstream.sim)) == 1
    refresh.refresh_from_db()
    assert refresh.pairs_done == 2 and refresh.state == RefreshState.DONE


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_refresh_fans_out_through_a_real_celery_worker(upstream, start_worker):
    _fleet()
    worker = start_worker(concurrency=2, **upstream.env)
    refresh, _ = catalog_refresh_start()

    def finished() -> bool:
        # The devices' own writes computed recommendations already (no catalog yet): wait for the ones computed
        # after the refresh closed.
        refresh.refresh_from_db()
        return refresh.finished and Recommendation.objects.filter(computed_at__gte=refresh.finished_at).count() == 14

    wait_for(finished, "the refresh and the recommendations after it", timeout=90, worker=worker)
    assert refresh.state == RefreshState.DONE
    assert refresh.calls == len(_pidrelease_calls(upstream.sim))
    targets = Recommendation.objects.values_list("device__pid", "reason", "target_release__version")
    assert Counter(targets) == {
        ("C9300-24P", Reason.SUGGESTED, "17.12.4"): 10,
        ("WS-C2960X-48FPD-L", Reason.SUGGESTED, "15.2(7)E10"): 4,
    }


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
    assert names == {tasks.catalog_refresh_scheduled_task.name, tasks.running_images_check_task.name}
    assert names <= set(app.tasks)
    app.finalize()  # merges every app's schedules.py into the beat schedule (a no-op when already done)
    assert {name: app.conf.beat_schedule[name]["task"] for name in BEAT_SCHEDULE} == {
        name: entry["task"] for name, entry in BEAT_SCHEDULE.items()
    }


@pytest.mark.django_db
def test_scheduled_refresh_task_starts_a_refresh():
    from portal.catalog.choices import RefreshTrigger
    from portal.catalog.tasks import catalog_refresh_scheduled_task

    DeviceFactory()
    refresh_id = catalog_refresh_scheduled_task.run()
    assert CatalogRefresh.objects.get(pk=refresh_id).trigger == RefreshTrigger.SCHEDULE
