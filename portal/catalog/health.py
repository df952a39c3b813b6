"""The catalog's health check for /healthz: how the last finished catalog refresh went (registered in ready())."""

from __future__ import annotations

from django.template.defaultfilters import pluralize

from portal.catalog.choices import RefreshState
from portal.catalog.models import CatalogRefresh
from portal.core.health import Check


def check_last_refresh() -> Check:
    """OK when the last finished refresh got every pair (or none ever ran); failing names what it missed."""
    last = (
        CatalogRefresh.objects.filter(finished_at__isnull=False)
        .order_by("-finished_at")
        .only("pk", "state", "pairs_total", "pairs_failed", "finished_at")
        .first()
    )
    if last is None:
        return Check("catalog_refresh", True, "no refresh has finished yet")
    when = last.finished_at.isoformat() if last.finished_at else "?"
    if last.state == RefreshState.DONE:
        return Check("catalog_refresh", True, f"refresh #{last.pk} done at {when}")
    failed = f"{last.pairs_failed} of {last.pairs_total} pair{pluralize(last.pairs_total)} failed"
    return Check("catalog_refresh", False, f"refresh #{last.pk} {last.get_state_display()} at {when}: {failed}")
