"""What engineers act on when the upstream's word changes: the news that ``catalog_changed`` announces.

A change is news only against metadata Depot already held: a product seen for the first time has nothing to
compare with, so its first fetch announces nothing (otherwise every new PID would look like a flood of "new
suggested releases"). Only PIDs in the fleet count: a newly suggested release of a PID some device has, or a
release some device runs that became deferred, deleted or PSIRT-flagged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.catalog.models import Product, Release
from portal.catalog.signals import catalog_changed
from portal.core.signals import send_on_commit
from portal.inventory.models import Device

KINDS = ("suggested", "deferred", "deleted", "psirt")
_FLAG_OF = {"suggested": "is_suggested", "deferred": "is_deferred", "deleted": "is_deleted", "psirt": "psirt"}


@dataclass(frozen=True)
class Change:
    """One piece of news about a PID: ``kind`` is one of :data:`KINDS`, ``release`` the canonical version."""

    pid: str
    kind: str
    release: str
    sort_key: str


ReleaseFlags = dict[int, dict[str, bool]]


def release_flags(*, pids: Iterable[str], versions: Iterable[str]) -> ReleaseFlags:
    """The four flags of the stored releases of some PIDs and versions, by id (read before a write, to compare)."""
    rows = Release.objects.filter(product__pid__in=set(pids), version__in=set(versions)).values(
        "id", *_FLAG_OF.values()
    )
    return {row.pop("id"): row for row in rows}


def release_changes(*, before: ReleaseFlags, release_ids: Iterable[int], known_pids: set[str]) -> list[Change]:
    """The flags that turned on since ``before`` for releases of products already known (``known_pids``).

    A release absent from ``before`` is new; it is news when it arrives suggested (a deferral or deletion of a
    release nobody could run yet is not)."""
    after = Release.objects.filter(id__in=list(release_ids), product__pid__in=known_pids)
    changes: list[Change] = []
    for release in after.select_related("product").only("version", "sort_key", "product__pid", *_FLAG_OF.values()):
        old = before.get(release.pk)
        for kind, flag in _FLAG_OF.items():
            if getattr(release, flag) and (old is not None and not old[flag] or old is None and kind == "suggested"):
                changes.append(Change(release.product.pid, kind, release.version, release.sort_key))
    return changes


def known_products(*, pids: Iterable[str]) -> set[str]:
    """Those of ``pids`` whose metadata Depot held already (a product row filled by an earlier answer)."""
    return set(Product.objects.filter(pid__in=set(pids), fetched_at__isnull=False).values_list("pid", flat=True))


def in_fleet(changes: Iterable[Change]) -> list[Change]:
    """The changes engineers act on: suggestions for PIDs some device has, flags on releases some device runs."""
    changes = list(changes)
    if not changes:
        return []
    pids = {c.pid for c in changes}
    fleet_pids = set(Device.objects.filter(pid__in=pids).values_list("pid", flat=True).distinct())
    running = set(
        Device.objects.filter(pid__in=pids, release_key__in={c.sort_key for c in changes})
        .values_list("pid", "release_key")
        .distinct()
    )
    return [
        c
        for c in changes
        if (c.kind == "suggested" and c.pid in fleet_pids) or (c.kind != "suggested" and (c.pid, c.sort_key) in running)
    ]


def catalog_changes_announce(*, changes: Iterable[Change]) -> dict[str, list[dict[str, str]]]:
    """Send ``catalog_changed`` once per PID (after the commit) for the changes in the fleet, in the order of
    :data:`KINDS`, then oldest release first; returns what was sent."""
    by_pid: Mapping[str, list[dict[str, str]]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for change in sorted(in_fleet(changes), key=lambda c: (c.pid, KINDS.index(c.kind), c.sort_key)):
        if (change.pid, change.kind, change.release) not in seen:
            seen.add((change.pid, change.kind, change.release))
            by_pid[change.pid].append({"kind": change.kind, "release": change.release})
    for pid, items in by_pid.items():
        send_on_commit(catalog_changed, sender=Product, pid=pid, changes=items)
    return dict(by_pid)
