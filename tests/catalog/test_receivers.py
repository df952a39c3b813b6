"""The catalog follows inventory writes (devices_changed): recommendations and the fleet's cached figures."""

from __future__ import annotations

import pytest

from portal.catalog import receivers
from portal.catalog.models import Recommendation
from portal.catalog.summary import fleet_generation
from portal.inventory.services.devices import device_delete, devices_delete
from portal.inventory.services.imports import devices_import_csv
from tests.factories_inventory import DeviceFactory, catalog_of, save_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases():
    return catalog_of("C9300-24P", [("17.3.8a",), ("17.9.4", "suggested"), ("17.12.4", "suggested")])


def test_a_written_device_gets_its_recommendation_in_the_same_transaction(releases):
    device = save_device(hostname="sw-1", pid="C9300-24P", current_release="17.3.8a")
    assert Recommendation.objects.get(device=device).target_release.version == "17.12.4"
    save_device(device, current_release="17.12.4")
    assert Recommendation.objects.get(device=device).upgrade_available is False


def test_only_the_written_devices_are_recomputed(releases):
    untouched = DeviceFactory(hostname="old", current_release="17.3.8a")
    devices_import_csv(file="hostname,pid,current_release\nnew,C9300-24P,17.3.8a\n")
    assert Recommendation.objects.filter(device__hostname="new").exists()
    assert not Recommendation.objects.filter(device=untouched).exists()


def test_a_large_change_recomputes_the_whole_fleet_in_one_pass(releases, monkeypatch):
    monkeypatch.setattr(receivers, "RECOMPUTE_ALL_AFTER", 1)
    untouched = DeviceFactory(hostname="old", current_release="17.3.8a")
    devices_import_csv(file="hostname,pid,current_release\nn-1,C9300-24P,17.3.8a\nn-2,C9300-24P,17.9.4\n")
    assert Recommendation.objects.count() == 3 and Recommendation.objects.filter(device=untouched).exists()


def test_deletes_start_a_new_fleet_generation(releases):
    device = save_device(hostname="sw-1", pid="C9300-24P")
    before = fleet_generation()
    device_delete(device=device)
    after_one = fleet_generation()
    DeviceFactory()
    devices_delete()
    assert len({before, after_one, fleet_generation()}) == 3
    assert not Recommendation.objects.exists()
