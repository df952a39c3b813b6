"""Catalog refresh: ask metadata/pidrelease ("above") about distinct (PID, current release) pairs of the inventory.

A refresh is written with its pairs, then fanned out on commit, one task per PID (the pairs of a PID share
one query: :mod:`portal.catalog.services.refresh_run`). At most one refresh is active (queued or running, held by
``CatalogRefresh.active_slot``): pairs asked for meanwhile - the nightly run, new devices, "retry the failed
pairs" - join it instead of asking the same questions twice at once, and are never lost because it is already
running. The run that finishes the last pair closes the refresh and enqueues the recommendations' recomputation.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Value, When
from django.template.defaultfilters import pluralize
from django.utils import timezone

from portal.catalog.choices import PairState, RefreshState, RefreshTrigger
from portal.catalog.models import CatalogRefresh, CatalogRefreshPair
from portal.catalog.selectors import pairs_fetched
from portal.catalog.services.refresh_run import catalog_refresh_pid_run
from portal.cisco.versions import normalize
from portal.inventory.models import Device

ACTIVE_STATES = (RefreshState.QUEUED, RefreshState.RUNNING)
STALE_REFRESH = dt.timedelta(hours=6)
_ATTEMPTS = 5


@dataclass(frozen=True)
class Pair:
    """A distinct (PID, current release) of the inventory and how many devices share it."""

    pid: str
    current_release: str
    devices: int


@dataclass(frozen=True)
class Queued:
    """Where asked-for pairs went: a new refresh (``created``) or the active one, and how many were new to it."""

    refresh: CatalogRefresh
    created: bool
    added: int

    @property
    def summary(self) -> str:
        """What happened, in words, for a page's message."""
        number = f"#{self.refresh.pk}"
        if self.created:
            return f"Refresh {number} started over {_pairs(self.added)}."
        if self.added:
            return f"Refresh {number} is already running; {_pairs(self.added)} joined it."
        return f"Refresh {number} is already running and holds these pairs."


def _pairs(count: int) -> str:
    return f"{count} (PID, release) pair{pluralize(count)}"


class RefreshRefused(Exception):
    """A refresh action that cannot be done now; ``code`` is machine-readable (``refresh_running``...)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def inventory_pairs(
    *, pids: Iterable[str] | None = None, device_ids: Iterable[int] | None = None, keys: Iterable[tuple[str, str]] = ()
) -> list[Pair]:
    """The distinct (PID, normalised current release) pairs of the inventory (or of some PIDs or devices, or only
    the pairs in ``keys``); devices without a release are left out, since metadata/pidrelease needs one."""
    wanted = set(keys)
    rows = Device.objects.exclude(pid="").exclude(current_release="")
    if pids is not None or wanted:
        rows = rows.filter(pid__in={*(pids or ()), *(pid for pid, _ in wanted)})
    if device_ids is not None:
        rows = rows.filter(id__in=list(device_ids))
    merged: dict[tuple[str, str], int] = {}
    for pid, release, count in rows.values_list("pid", "current_release").annotate(n=Count("id")).order_by():
        key = (pid.strip(), normalize(release))  # 17.09.04a and 17.9.4a are one question upstream
        merged[key] = merged.get(key, 0) + count
    return [
        Pair(pid, release, n) for (pid, release), n in sorted(merged.items()) if not wanted or (pid, release) in wanted
    ]


class _Closed(Exception):
    """The active refresh closed between our look and our write: look again."""


def _active_refresh() -> CatalogRefresh | None:
    # A refresh whose messages were lost (broker wiped) must not hold the slot forever.
    now = timezone.now()
    CatalogRefresh.objects.filter(state__in=ACTIVE_STATES, created__lt=now - STALE_REFRESH).update(
        state=RefreshState.FAILED, finished_at=now, active_slot=None
    )
    return CatalogRefresh.objects.filter(state__in=ACTIVE_STATES).order_by("-created").first()


def _pair_rows(refresh: CatalogRefresh, pairs: Sequence[Pair]) -> list[CatalogRefreshPair]:
    rows = [
        CatalogRefreshPair(refresh=refresh, pid=p.pid, current_release=p.current_release, devices=p.devices)
        for p in pairs
    ]
    CatalogRefreshPair.objects.bulk_create(rows, batch_size=500)
    return rows


def _join(active: CatalogRefresh, pairs: Sequence[Pair], enqueue: bool) -> Queued:
    active = CatalogRefresh.objects.select_for_update().get(pk=active.pk)  # the close waits for us (PostgreSQL)
    if active.state not in ACTIVE_STATES:
        raise _Closed
    present = set(active.pairs.values_list("pid", "current_release"))
    new = [p for p in pairs if (p.pid, p.current_release) not in present]
    if new:
        rows = _pair_rows(active, new)
        if not CatalogRefresh.objects.filter(pk=active.pk, state__in=ACTIVE_STATES).update(
            pairs_total=F("pairs_total") + len(new)
        ):
            raise _Closed
        if enqueue:  # the fan-out may have read the pairs already: these go out by themselves
            ids = [row.pk for row in rows]
            transaction.on_commit(lambda: _enqueue_pids(ids))
        active.refresh_from_db()
    return Queued(active, False, len(new))


def _create(pairs: Sequence[Pair], trigger: str, requested_by, retry_of, enqueue: bool) -> Queued:
    from portal.catalog.tasks import catalog_refresh_dispatch_task

    now = timezone.now()
    refresh = CatalogRefresh.objects.create(
        trigger=trigger,
        requested_by=requested_by if requested_by and requested_by.is_authenticated else None,
        retry_of=retry_of,
        pairs_total=len(pairs),
        **({"active_slot": True} if pairs else {"state": RefreshState.DONE, "started_at": now, "finished_at": now}),
    )
    _pair_rows(refresh, pairs)
    if pairs and enqueue:
        transaction.on_commit(lambda: catalog_refresh_dispatch_task.delay(refresh.pk))
    return Queued(refresh, True, len(pairs))


def catalog_refresh_queue(
    *,
    pairs: Sequence[Pair],
    trigger: str,
    requested_by: AbstractBaseUser | None = None,
    retry_of: CatalogRefresh | None = None,
    enqueue: bool = True,
) -> Queued:
    """Ask for ``pairs``: they join the active refresh (those it does not hold yet), or start a new one.

    With ``enqueue`` off nothing is sent to Celery: run it with :func:`catalog_refresh_run_inline`."""
    for _attempt in range(_ATTEMPTS):
        try:
            with transaction.atomic():
                active = _active_refresh()
                if active is not None:
                    return _join(active, pairs, enqueue)
                return _create(pairs, trigger, requested_by, retry_of, enqueue)
        except (_Closed, IntegrityError):  # it closed, or another start took the slot first: look again
            continue
    raise RuntimeError("could not queue a catalog refresh: the active one kept changing")


def catalog_refresh_start(
    *,
    trigger: str = RefreshTrigger.PAGE,
    requested_by: AbstractBaseUser | None = None,
    pids: list[str] | None = None,
    enqueue: bool = True,
) -> tuple[CatalogRefresh, bool]:
    """Refresh every pair of the inventory (or of some PIDs); returns (refresh, created). While a refresh is
    active the pairs join it, and that refresh is returned."""
    queued = catalog_refresh_queue(pairs=inventory_pairs(pids=pids), trigger=trigger, requested_by=requested_by,
                                   enqueue=enqueue)  # fmt: skip
    return queued.refresh, queued.created


def catalog_refresh_retry(
    *, refresh_id: int, requested_by: AbstractBaseUser | None = None, enqueue: bool = True
) -> Queued:
    """Ask again for the failed pairs of a finished refresh (those devices still have); raises RefreshRefused."""
    refresh = CatalogRefresh.objects.get(pk=refresh_id)
    if not refresh.finished:
        raise RefreshRefused(
            f"Refresh #{refresh.pk} is still running: retry once it has finished.", code="refresh_running"
        )
    failed = set(refresh.pairs.filter(state=PairState.FAILED).values_list("pid", "current_release"))
    pairs = inventory_pairs(keys=failed) if failed else []
    if not pairs:
        reason = "no device has its failed pairs any more" if failed else "it has no failed pairs"
        raise RefreshRefused(f"Nothing to retry in refresh #{refresh.pk}: {reason}.", code="nothing_to_retry")
    return catalog_refresh_queue(
        pairs=pairs, trigger=RefreshTrigger.RETRY, requested_by=requested_by, retry_of=refresh, enqueue=enqueue
    )


def catalog_refresh_new_pairs(*, device_ids: Sequence[int] | None) -> Queued | None:
    """Queue the pairs of these devices (None: of the whole inventory) that no answer of the upstream covers yet:
    they join the active refresh or start one (rate-limited like any other). None when every pair has data."""
    pairs = inventory_pairs(device_ids=device_ids)
    fetched = pairs_fetched((p.pid, p.current_release) for p in pairs)
    missing = [p for p in pairs if (p.pid, p.current_release) not in fetched]
    return catalog_refresh_queue(pairs=missing, trigger=RefreshTrigger.INVENTORY) if missing else None


def _by_pid(pair_ids: Iterable[int]) -> list[list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for pair_id, pid in CatalogRefreshPair.objects.filter(pk__in=list(pair_ids)).values_list("id", "pid"):
        groups[pid].append(pair_id)
    return [groups[pid] for pid in sorted(groups)]


def _enqueue_pids(pair_ids: Iterable[int]) -> int:
    from portal.catalog.tasks import catalog_refresh_pid_task

    groups = _by_pid(pair_ids)
    for ids in groups:
        catalog_refresh_pid_task.delay(ids)
    return len(groups)


def catalog_refresh_dispatch_pairs(*, refresh_id: int) -> int:
    """Enqueue one task per PID with pairs still queued (safe to run twice: a run claims its pairs first)."""
    CatalogRefresh.objects.filter(pk=refresh_id, state=RefreshState.QUEUED).update(
        state=RefreshState.RUNNING, started_at=timezone.now()
    )
    queued = CatalogRefreshPair.objects.filter(refresh_id=refresh_id, state=PairState.QUEUED)
    return _enqueue_pids(queued.values_list("id", flat=True))


def catalog_refresh_pairs_run(*, pair_ids: list[int], follow_up: bool = True) -> dict[str, int]:
    """Run the pairs of one PID (those still claimable) and close their refresh if they were its last; returns how
    many pairs ended in each state. The closing run enqueues the recommendations' recomputation unless
    ``follow_up`` is off."""
    outcomes = catalog_refresh_pid_run(pair_ids=pair_ids)
    refresh_ids = set(CatalogRefreshPair.objects.filter(pk__in=pair_ids).values_list("refresh_id", flat=True))
    for refresh_id in refresh_ids:
        _finish_if_complete(refresh_id, follow_up=follow_up)
    return dict(Counter(str(outcome.state) for outcome in outcomes.values()))


def _finish_if_complete(refresh_id: int, *, follow_up: bool) -> None:
    """Close the refresh once every pair has finished; one conditional update, so only one caller wins."""
    from portal.catalog.tasks import recommendations_recompute_all_task

    closed = CatalogRefresh.objects.filter(
        pk=refresh_id, state__in=ACTIVE_STATES, pairs_done__gte=F("pairs_total")
    ).update(
        state=Case(
            When(pairs_failed__gt=0, then=Value(RefreshState.DONE_WITH_ERRORS)), default=Value(RefreshState.DONE)
        ),
        finished_at=timezone.now(),
        active_slot=None,
    )
    if closed and follow_up:
        transaction.on_commit(recommendations_recompute_all_task.delay)


def catalog_refresh_run_inline(*, refresh_id: int) -> CatalogRefresh:
    """Run every queued pair of a refresh in this process, PID after PID (commands, tests, benches)."""
    from portal.catalog.services.recommendations import recommendations_recompute

    CatalogRefresh.objects.filter(pk=refresh_id, state=RefreshState.QUEUED).update(
        state=RefreshState.RUNNING, started_at=timezone.now()
    )
    queued = CatalogRefreshPair.objects.filter(refresh_id=refresh_id, state=PairState.QUEUED)
    for ids in _by_pid(queued.values_list("id", flat=True)):
        catalog_refresh_pairs_run(pair_ids=ids, follow_up=False)
    recommendations_recompute()
    return CatalogRefresh.objects.get(pk=refresh_id)
