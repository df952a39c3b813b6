"""Celery tasks of the catalog: thin, they take ids and call services (safe to run twice: runs claim rows first).

Task names (``catalog.*``) are what the broker and beat know; they stay put when the functions move or rename.
"""

from __future__ import annotations

from celery import shared_task

from portal.catalog.choices import RefreshTrigger


@shared_task(name="catalog.refresh_dispatch")
def catalog_refresh_dispatch_task(refresh_id: int) -> int:
    """Fan a refresh out: one task per PID with queued pairs."""
    from portal.catalog.services.refresh import catalog_refresh_dispatch_pairs

    return catalog_refresh_dispatch_pairs(refresh_id=refresh_id)


@shared_task(name="catalog.refresh_pid")
def catalog_refresh_pid_task(pair_ids: list[int]) -> dict[str, int]:
    """Query and store the pairs of one PID (sharing a query where the upstream's answer allows)."""
    from portal.catalog.services.refresh import catalog_refresh_pairs_run

    return catalog_refresh_pairs_run(pair_ids=pair_ids)


@shared_task(name="catalog.refresh_scheduled")
def catalog_refresh_scheduled_task() -> int:
    """The beat schedule's refresh (while one is active, the inventory's pairs join it)."""
    from portal.catalog.services.refresh import catalog_refresh_start

    refresh, _ = catalog_refresh_start(trigger=RefreshTrigger.SCHEDULE)
    return refresh.pk


@shared_task(name="catalog.recommendations_recompute_all")
def recommendations_recompute_all_task() -> int:
    """Recompute every device's recommendation (after a refresh)."""
    from portal.catalog.services.recommendations import recommendations_recompute

    return recommendations_recompute()


@shared_task(name="catalog.running_images_check")
def running_images_check_task() -> int:
    """Ask metadata/images about every running image of the inventory (deleted? deferred?)."""
    from portal.catalog.services.lookups import running_images_check
    from portal.cisco.provider import get_client

    return running_images_check(client=get_client())
