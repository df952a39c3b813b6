"""Catalog refresh: one upstream query (metadata/pidrelease, "above") per distinct (PID, current release) pair.

``catalog_refresh_start`` writes the refresh and its pairs, then enqueues the fan-out on commit; each pair task
calls ``catalog_refresh_pair_run``, which claims its row, walks the pages, stores the records and counts calls on
the rows; the pair that finishes last closes the refresh and enqueues the recommendations' recomputation.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from portal.catalog.choices import PairState, RefreshState, RefreshTrigger
from portal.catalog.models import CatalogRefresh, CatalogRefreshPair
from portal.catalog.services.store import catalog_records_store
from portal.cisco.exceptions import AsdError, NoDataFound
from portal.cisco.provider import get_client
from portal.cisco.versions import normalize
from portal.inventory.models import Device

logger = logging.getLogger(__name__)

OUTPUT_RELEASE = "above"  # newer releases are what recommendations need; the current one comes from status checks
PER_PAGE = 25  # the spec's maximum: fewest calls
# A pair left "running" longer than this was lost with its worker; a redelivered task may take it over.
PAIR_LEASE = dt.timedelta(minutes=15)
ACTIVE_STATES = (RefreshState.QUEUED, RefreshState.RUNNING)
STALE_REFRESH = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Pair:
    """A distinct (PID, current release) of the inventory and how many devices share it."""

    pid: str
    current_release: str
    devices: int


def inventory_pairs(*, pids: list[str] | None = None) -> list[Pair]:
    """The distinct (PID, normalised current release) pairs of the inventory; devices without a release are left
    out, since metadata/pidrelease needs one."""
    rows = Device.objects.exclude(pid="").exclude(current_release="")
    if pids:
        rows = rows.filter(pid__in=pids)
    merged: dict[tuple[str, str], int] = {}
    for pid, release, count in rows.values_list("pid", "current_release").annotate(n=Count("id")).order_by():
        key = (pid.strip(), normalize(release))  # 17.09.04a and 17.9.4a are one question upstream
        merged[key] = merged.get(key, 0) + count
    return [Pair(pid, release, n) for (pid, release), n in sorted(merged.items())]


def _active_refresh() -> CatalogRefresh | None:
    # A refresh whose messages were lost (broker wiped) must not block every later one forever.
    stale = timezone.now() - STALE_REFRESH
    CatalogRefresh.objects.filter(state__in=ACTIVE_STATES, created__lt=stale).update(
        state=RefreshState.FAILED, finished_at=timezone.now()
    )
    return CatalogRefresh.objects.filter(state__in=ACTIVE_STATES).order_by("-created").first()


def catalog_refresh_start(
    *,
    trigger: str = RefreshTrigger.PAGE,
    requested_by: AbstractBaseUser | None = None,
    pids: list[str] | None = None,
    enqueue: bool = True,
) -> tuple[CatalogRefresh, bool]:
    """Start a refresh over the inventory's pairs; returns (refresh, created). A refresh already queued or
    running is returned instead of starting a second one (its pairs would ask the same questions).

    With ``enqueue`` off nothing is sent to Celery: run it with :func:`catalog_refresh_run_inline`."""
    from portal.catalog.tasks import catalog_refresh_dispatch

    with transaction.atomic():
        active = _active_refresh()
        if active is not None:
            return active, False
        pairs = inventory_pairs(pids=pids)
        refresh = CatalogRefresh.objects.create(
            trigger=trigger,
            requested_by=requested_by if requested_by and requested_by.is_authenticated else None,
            pairs_total=len(pairs),
        )
        CatalogRefreshPair.objects.bulk_create(
            [
                CatalogRefreshPair(refresh=refresh, pid=p.pid, current_release=p.current_release, devices=p.devices)
                for p in pairs
            ],
            batch_size=500,
        )
        if not pairs:
            now = timezone.now()
            CatalogRefresh.objects.filter(pk=refresh.pk).update(
                state=RefreshState.DONE, started_at=now, finished_at=now
            )
            refresh.refresh_from_db()
        elif enqueue:
            transaction.on_commit(lambda: catalog_refresh_dispatch.delay(refresh.pk))
    return refresh, True


def catalog_refresh_dispatch_pairs(*, refresh_id: int) -> int:
    """Enqueue one task per pair still queued (safe to run twice: a pair task claims its row first)."""
    from portal.catalog.tasks import catalog_refresh_pair

    ids = list(
        CatalogRefreshPair.objects.filter(refresh_id=refresh_id, state=PairState.QUEUED).values_list("id", flat=True)
    )
    CatalogRefresh.objects.filter(pk=refresh_id, state=RefreshState.QUEUED).update(
        state=RefreshState.RUNNING, started_at=timezone.now()
    )
    for pair_id in ids:
        catalog_refresh_pair.delay(pair_id)
    return len(ids)


def _claim(pair_id: int) -> CatalogRefreshPair | None:
    now = timezone.now()
    claimable = Q(state=PairState.QUEUED) | Q(state=PairState.RUNNING, started_at__lt=now - PAIR_LEASE)
    if not CatalogRefreshPair.objects.filter(claimable, pk=pair_id).update(state=PairState.RUNNING, started_at=now):
        return None
    return CatalogRefreshPair.objects.get(pk=pair_id)


class _Progress:
    """Calls and records of one pair so far (kept when the walk fails half-way)."""

    def __init__(self) -> None:
        self.calls = 0
        self.records = 0


def _walk(pair: CatalogRefreshPair, progress: _Progress) -> None:
    """Query every page of the pair, storing each page as it arrives."""
    client = get_client()
    page_index = 1
    while True:
        progress.calls += 1
        page = client.releases(
            pid=pair.pid,
            current_release=pair.current_release,
            output_release=OUTPUT_RELEASE,
            page_index=page_index,
            per_page=PER_PAGE,
        )
        catalog_records_store(records=page.records, fetched_at=page.received_at)
        progress.records += len(page.records)
        # Progress on the row while a long pair runs (pages of one pair are few; one write per page is cheap).
        CatalogRefreshPair.objects.filter(pk=pair.pk).update(calls=progress.calls, records=progress.records)
        if not page.has_next or not page.records:
            return
        page_index = page.pagination.page_index + 1


def catalog_refresh_pair_run(*, pair_id: int, follow_up: bool = True) -> str:
    """Run one pair of a refresh (claim, query every page, store); returns the pair's final state.

    The pair that completes the refresh enqueues the recommendations' recomputation unless ``follow_up`` is off.
    """
    pair = _claim(pair_id)
    if pair is None:
        return "skipped"
    state, code, message = PairState.DONE, "", ""
    progress = _Progress()
    try:
        _walk(pair, progress)
    except NoDataFound:
        state = PairState.NO_DATA
    except AsdError as exc:  # the client's messages are redacted: safe to keep and show
        state, code, message = PairState.FAILED, exc.code or type(exc).__name__, exc.message[:2000]
        logger.warning("catalog refresh pair %s %s failed: %s", pair.pid, pair.current_release, exc)
    CatalogRefreshPair.objects.filter(pk=pair.pk).update(
        state=state,
        calls=progress.calls,
        records=progress.records,
        error_code=code[:64],
        error_message=message,
        finished_at=timezone.now(),
    )
    CatalogRefresh.objects.filter(pk=pair.refresh_id).update(
        pairs_done=F("pairs_done") + 1,
        pairs_failed=F("pairs_failed") + (1 if state == PairState.FAILED else 0),
        calls=F("calls") + progress.calls,
        records=F("records") + progress.records,
    )
    _finish_if_complete(pair.refresh_id, follow_up=follow_up)
    return state


def _finish_if_complete(refresh_id: int, *, follow_up: bool) -> None:
    """Close the refresh when every pair has finished; only one caller wins the conditional update."""
    from portal.catalog.tasks import recommendations_recompute_all

    refresh = CatalogRefresh.objects.get(pk=refresh_id)
    if refresh.pairs_done < refresh.pairs_total:
        return
    final = RefreshState.DONE_WITH_ERRORS if refresh.pairs_failed else RefreshState.DONE
    closed = CatalogRefresh.objects.filter(pk=refresh_id, state__in=ACTIVE_STATES).update(
        state=final, finished_at=timezone.now()
    )
    if closed and follow_up:
        transaction.on_commit(recommendations_recompute_all.delay)


def catalog_refresh_run_inline(*, refresh_id: int) -> CatalogRefresh:
    """Run every queued pair of a refresh in this process, one after the other (commands, tests, benches)."""
    CatalogRefresh.objects.filter(pk=refresh_id, state=RefreshState.QUEUED).update(
        state=RefreshState.RUNNING, started_at=timezone.now()
    )
    ids = CatalogRefreshPair.objects.filter(refresh_id=refresh_id, state=PairState.QUEUED).values_list("id", flat=True)
    for pair_id in list(ids):
        catalog_refresh_pair_run(pair_id=pair_id, follow_up=False)
    from portal.catalog.services.recommendations import recommendations_recompute

    recommendations_recompute()
    return CatalogRefresh.objects.get(pk=refresh_id)
