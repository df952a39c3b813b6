"""Storage: recompute the recommendations of some devices in chunks and write them in bulk.

Devices that share (PID, release, image, site, role, OS) share one computation (the memo), and rows are written
with one upsert per chunk, so recomputing 100,000 devices stays a matter of seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from portal.catalog.models import Recommendation
from portal.catalog.services.families import image_families_sync, image_families_sync_pids
from portal.catalog.services.recommendations.loading import (
    ProductCatalog,
    load_catalogs,
    load_family_standards,
    load_statuses,
)
from portal.catalog.services.recommendations.rules import Outcome, Profile, recommend
from portal.catalog.summary import fleet_changed
from portal.inventory.models import Device

CHUNK = 5000


def _device_rows(devices) -> Iterator[list[tuple]]:
    fields = ("id", "pid", "current_release", "release_key", "running_image", "site", "role", "os_family", "memory_mb",
              "flash_mb")  # fmt: skip
    last_id = 0
    while True:
        # Keyset pagination: steady cost per chunk however large the inventory is.
        chunk = list(devices.filter(id__gt=last_id).order_by("id").values_list(*fields)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last_id = chunk[-1][0]


def _memo_key(catalog: ProductCatalog | None, profile: Profile) -> tuple:
    """Devices that only differ in a site or role no standard names get the same answer: compute it once."""
    if catalog is None:
        return (profile.pid, profile.running_image)
    site = profile.site if any(s.site == profile.site for s in catalog.standards) else ""
    role = profile.role if any(s.role == profile.role for s in catalog.standards) else ""
    return (
        profile.pid,
        profile.current_release,
        profile.release_key,
        profile.running_image,
        profile.os_family,
        site,
        role,
        profile.memory_mb,
        profile.flash_mb,
    )


def recommendations_recompute(*, device_ids: Iterable[int] | None = None, pids: Iterable[str] | None = None) -> int:
    """Recompute and store the recommendations of some devices (all when no filter is given); returns how many."""
    devices = Device.objects.all()
    if device_ids is not None:
        devices = devices.filter(id__in=list(device_ids))
    if pids is not None:
        devices = devices.filter(pid__in=list(pids))
    scope_pids = set(devices.values_list("pid", flat=True).distinct().order_by())
    catalogs = load_catalogs(scope_pids)
    # Over whole PIDs (after a refresh, a standard change), their image families follow the catalog first; over
    # the whole fleet, those of every PID in the catalog (a family standard may be set from a PID with no devices).
    if device_ids is None and pids is None:
        image_families_sync_pids()
    elif device_ids is None:
        image_families_sync(keys_by_product={c.product_id: c.family_keys() for c in catalogs.values()})
    load_family_standards(catalogs)
    statuses = load_statuses(set(devices.values_list("running_image", flat=True).distinct().order_by()))
    memo: dict[tuple, tuple] = {}
    now = timezone.now()
    count = 0
    for chunk in _device_rows(devices):
        rows = []
        for device_id, *values in chunk:
            profile = Profile(*values)
            catalog = catalogs.get(profile.pid)
            key = _memo_key(catalog, profile)
            row = memo.get(key)
            if row is None:
                row = memo[key] = _values(recommend(catalog, profile, statuses), now)
            rows.append((device_id, *row))
        _upsert(rows)
        count += len(rows)
    fleet_changed()
    return count


_COLUMNS = (
    "current_id",
    "target_release_id",
    "target_image_id",
    "standard_id",
    "reason",
    "reason_text",
    "on_standard",
    "upgrade_available",
    "running_deleted",
    "running_deferred",
    "psirt",
    "downgrade",
    "target_key",
    "fit",
    "min_memory_mb",
    "min_flash_mb",
    "memory_short_mb",
    "flash_short_mb",
    "computed_at",
)


def _values(outcome: Outcome, now) -> tuple:
    computed_at = connection.ops.adapt_datetimefield_value(now)
    return (
        outcome.current_id,
        outcome.target_release_id,
        outcome.target_image_id,
        outcome.standard_id,
        outcome.reason,
        outcome.reason_text,
        outcome.on_standard,
        outcome.upgrade_available,
        outcome.running_deleted,
        outcome.running_deferred,
        outcome.psirt,
        outcome.downgrade,
        outcome.target_key,
        outcome.fit.fit,
        outcome.fit.min_memory_mb,
        outcome.fit.min_flash_mb,
        outcome.fit.memory_short_mb,
        outcome.fit.flash_short_mb,
        computed_at,
    )


def _upsert(rows: list[tuple]) -> None:
    """INSERT ... ON CONFLICT DO UPDATE with executemany: the ORM's bulk_create spends ~0.2 ms per row building
    model instances and SQL, which is most of the time for 100,000 devices (both SQLite and PostgreSQL speak this)."""
    quote = connection.ops.quote_name
    table = quote(Recommendation._meta.db_table)
    columns = ", ".join(quote(c) for c in ("device_id", *_COLUMNS))
    marks = ", ".join(["%s"] * (len(_COLUMNS) + 1))
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT ({quote('device_id')}) DO UPDATE SET {updates}"  # noqa: S608 - names are ours, values are parameters
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
