"""How the catalog follows what other apps announce (connected in :class:`portal.catalog.apps.CatalogConfig`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from portal.catalog.services.recommendations import recommendations_recompute
from portal.catalog.summary import fleet_changed

# More devices than this changed at once (a large import, seeding): one pass over the whole fleet is cheaper than
# a query with that many ids (and SQLite refuses IN lists of more than 32,766 parameters).
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
