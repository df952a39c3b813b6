"""Every inventory write is announced with devices_changed, inside its transaction; the inventory never calls the
catalog's services or tasks (the catalog listens instead)."""

from __future__ import annotations

import pytest
from django.db import transaction

from portal.inventory.models import Device
from portal.inventory.services.devices import device_delete, devices_delete, devices_upsert
from portal.inventory.services.fields import validate_device
from portal.inventory.services.imports import devices_import_csv, devices_import_rows
from portal.inventory.signals import devices_changed
from tests.factories_inventory import save_device

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    """The devices_changed calls received, as (device ids, deleted, inside a transaction)."""
    calls: list[tuple[tuple[int, ...], bool, bool]] = []

    def receiver(sender, device_ids, deleted, **kwargs):
        assert sender is Device
        calls.append((tuple(device_ids), deleted, transaction.get_connection().in_atomic_block))

    devices_changed.connect(receiver, dispatch_uid="test-announced")
    yield calls
    devices_changed.disconnect(dispatch_uid="test-announced")


def test_save_and_delete_of_one_device_are_announced(announced):
    device = save_device(hostname="sw-1", pid="C9300-24P")
    save_device(device, site="ber1")
    device_id = device.pk
    device_delete(device=device)
    assert announced == [((device_id,), False, True), ((device_id,), False, True), ((device_id,), True, True)]


def test_bulk_writes_announce_every_touched_device(announced):
    result = devices_import_csv(file="hostname,pid\na-1,C9300-24P\na-2,C9300-24P\n")
    ids = tuple(sorted(result.device_ids))
    assert [(tuple(sorted(i)), d, t) for i, d, t in announced] == [(ids, False, True)]
    entry, _ = validate_device({"hostname": "a-1", "pid": "C9300-48P"})
    devices_upsert(entries=[entry])
    assert announced[-1] == ((Device.objects.get(hostname="a-1").pk,), False, True)
    assert devices_delete(device_ids=[ids[0]]) == 1
    assert announced[-1] == ((ids[0],), True, True)
    assert devices_delete() == 1
    assert announced[-1] == ((), True, True)  # the whole inventory: no id list


def test_nothing_written_nothing_announced(announced):
    refused = devices_import_rows(rows=[{"hostname": "ok", "pid": "C9300-24P"}, {"hostname": "", "pid": ""}])
    assert not refused.imported
    assert devices_delete(device_ids=[]) == 0
    assert announced == []
