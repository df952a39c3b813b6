"""catalog_changed: sent once per PID of the fleet, after the commit, when a refresh (or the running-image check)
finds a newly suggested release, or a release devices run newly deferred, deleted or PSIRT-flagged. Against the
simulator over real HTTP; the earlier state is set in Depot's own rows, as an older answer would have left it."""

from __future__ import annotations

import pytest

from portal.catalog.models import Image, ImageStatus, Product, Release
from portal.catalog.services.lookups import running_images_check
from portal.catalog.services.refresh import catalog_refresh_run_inline, catalog_refresh_start
from portal.catalog.signals import catalog_changed
from tests.factories_inventory import DeviceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def received():
    """What catalog_changed receivers were told, as (sender, pid, changes)."""
    calls: list[tuple[object, str, list[dict[str, str]]]] = []

    def receiver(sender, pid, changes, **kwargs):
        calls.append((sender, pid, changes))

    catalog_changed.connect(receiver)
    yield calls
    catalog_changed.disconnect(receiver)


def _refresh(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        refresh, _ = catalog_refresh_start(enqueue=False)
        catalog_refresh_run_inline(refresh_id=refresh.pk)


def test_a_refresh_announces_what_changed_for_the_fleet(upstream, received, django_capture_on_commit_callbacks):
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    DeviceFactory(pid="C9300-24P", current_release="17.9.1")  # deferred and deleted upstream
    DeviceFactory(pid="C9300-24P", current_release="17.9.4")  # PSIRT-flagged upstream
    DeviceFactory(pid="WS-C2960X-48FPD-L", current_release="15.2(7)E8")
    _refresh(django_capture_on_commit_callbacks)
    assert received == []  # a first answer has nothing to compare with

    # What an older answer would have left: 17.12.4 not yet suggested, 17.9.1 and 17.9.4 clean, 17.6.7 clean.
    Release.objects.filter(product__pid="C9300-24P", version="17.12.4").update(is_suggested=False)
    Release.objects.filter(product__pid="C9300-24P", version__in=["17.9.1", "17.9.4", "17.6.7"]).update(
        is_deferred=False, is_deleted=False, psirt=False
    )
    Image.objects.filter(release__product__pid="C9300-24P", release__version__in=["17.9.1", "17.9.4"]).update(
        is_deleted=False, deferral_notice="", psirt=False
    )
    Release.objects.filter(product__pid="C9300-24P", version="17.15.1").delete()  # then unknown
    _refresh(django_capture_on_commit_callbacks)

    assert len(received) == 1  # one announcement per PID, none for the unchanged 2960-X
    sender, pid, changes = received[0]
    assert sender is Product and pid == "C9300-24P"
    # 17.15.1 came back, but not suggested: no news; 17.6.7 changed too, but no device runs it.
    assert changes == [
        {"kind": "suggested", "release": "17.12.4"},
        {"kind": "deferred", "release": "17.9.1"},
        {"kind": "deleted", "release": "17.9.1"},
        {"kind": "psirt", "release": "17.9.4"},
    ]

    _refresh(django_capture_on_commit_callbacks)
    assert len(received) == 1  # nothing new the third time


def test_nothing_is_announced_before_the_commit(upstream, received):
    DeviceFactory(pid="C9300-24P", current_release="17.3.8a")
    refresh, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=refresh.pk)
    Release.objects.filter(product__pid="C9300-24P", version="17.12.4").update(is_suggested=False)
    refresh, _ = catalog_refresh_start(enqueue=False)
    catalog_refresh_run_inline(refresh_id=refresh.pk)
    assert received == []  # the test's transaction never commits: a rolled-back change is never announced


def test_the_running_image_check_announces_newly_deleted_images(upstream, received, django_capture_on_commit_callbacks):
    DeviceFactory(pid="C9300-24P", current_release="17.9.1", running_image="cat9k_iosxe.17.09.01.SPA.bin")
    DeviceFactory(pid="C9300-24P", current_release="17.9.5", running_image="cat9k_iosxe.17.09.05.SPA.bin")
    with django_capture_on_commit_callbacks(execute=True):
        running_images_check()
    assert received == [] and ImageStatus.objects.get(name="cat9k_iosxe.17.09.01.SPA.bin").is_deleted

    ImageStatus.objects.filter(name="cat9k_iosxe.17.09.01.SPA.bin").update(is_deleted=False)
    with django_capture_on_commit_callbacks(execute=True):
        running_images_check()
    assert received == [(Product, "C9300-24P", [{"kind": "deleted", "release": "17.9.1"}])]
