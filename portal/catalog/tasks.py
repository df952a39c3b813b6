"""Celery tasks of the catalog: thin, they take ids and call services (safe to run twice)."""

from __future__ import annotations

from celery import shared_task

from portal.catalog.choices import RefreshTrigger


@shared_task(name="catalog.refresh_dispatch")
def catalog_refresh_dispatch(refresh_id: int) -> int:
    """Fan a refresh out: one task per (PID, current release) pair."""
    from portal.catalog.services.refresh import catalog_refresh_dispatch_pairs

    return catalog_refresh_dispatch_pairs(refresh_id=refresh_id)


@shared_task(name="catalog.refresh_pair")
def catalog_refresh_pair(pair_id: int) -> str:
    """Query and store one pair of a refresh."""
    from portal.catalog.services.refresh import catalog_refresh_pair_run

    return catalog_refresh_pair_run(pair_id=pair_id)


@shared_task(name="catalog.refresh_scheduled")
def catalog_refresh_scheduled() -> int:
    """The beat schedule's refresh (a refresh already running is left to finish)."""
    from portal.catalog.services.refresh import catalog_refresh_start

    refresh, _ = catalog_refresh_start(trigger=RefreshTrigger.SCHEDULE)
    return refresh.pk


@shared_task(name="catalog.recommendations_recompute_all")
def recommendations_recompute_all() -> int:
    """Recompute every device's recommendation (after a refresh)."""
    from portal.catalog.services.recommendations import recommendations_recompute

    return recommendations_recompute()


@shared_task(name="catalog.recommendations_recompute_pids")
def recommendations_recompute_pids(pids: list[str]) -> int:
    """Recompute the recommendations of the devices of some PIDs."""
    from portal.catalog.services.recommendations import recommendations_recompute

    return recommendations_recompute(pids=pids)


@shared_task(name="catalog.running_images_check")
def running_images_check() -> int:
    """Ask metadata/images about every running image of the inventory (deleted? deferred?)."""
    from portal.catalog.services.lookups import running_images_check as check
    from portal.cisco.provider import get_client

    return check(client=get_client())
