"""How the catalog follows what other apps announce (connected in :class:`portal.catalog.apps.CatalogConfig`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.services.refresh import catalog_refresh_new_pairs
from portal.catalog.summary import fleet_changed

# More devices than this changed at once (a large import, seeding): one pass over the whole fleet is cheaper than
# a query with that many ids (and SQLite refuses IN lists of more than 32,766 parameters). Also the point above
# which new pairs are looked for over the whole inventory.
RECOMPUTE_ALL_AFTER = 10_000


def recommendations_follow_devices(*, device_ids: Sequence[int], deleted: bool, **_: Any) -> None:
    """Devices were written or deleted (``portal.inventory.signals.devices_changed``): recompute the
    recommendations of the written ones in the same transaction, and start a new fleet generation either way
    (a deleted device's recommendation is deleted with it). A savepoint: should this fail, the sender's
    transaction is still usable (the failure is logged by ``send_now``)."""
    with transaction.atomic():
        if deleted:
            fleet_changed()
        elif len(device_ids) > RECOMPUTE_ALL_AFTER:
            recommendations_recompute()
        else:
            recommendations_recompute(device_ids=device_ids)


def refresh_follows_new_pairs(*, device_ids: Sequence[int], deleted: bool, **_: Any) -> None:
    """Devices were written (``devices_changed``): queue a refresh of their (PID, release) pairs that have no catalog
    data yet, in the sender's transaction (enqueued when it commits; a rolled-back import queues nothing)."""
    if deleted:
        return
    with transaction.atomic():
        catalog_refresh_new_pairs(device_ids=None if len(device_ids) > RECOMPUTE_ALL_AFTER else device_ids)
