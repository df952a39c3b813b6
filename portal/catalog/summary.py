"""The fleet summary (dashboard counts, chart, top PIDs) cached per "generation" of the fleet.

The aggregates scan every device and recommendation (half a second at 100,000 devices on SQLite), so the whole
fleet's summary is computed once per generation and kept in the shared cache. Anything that changes devices or
recommendations starts a new generation: the inventory services that save and delete devices, the admin, and
every recomputation of recommendations (which all bulk writers end with). Not a post_save/post_delete signal:
a receiver on Device makes Django fetch and signal every row of a bulk delete (100,000 devices, 100,000 cache
writes) instead of deleting them in one statement. Filtered reports are computed on demand.
"""

from __future__ import annotations

from typing import Any

from portal.core.counts import FLEET, generation, generation_cached, generation_next

SUMMARY_TTL = 24 * 3600


def fleet_changed(**_: Any) -> None:
    """Start a new generation: the next summary read (and list page count) recomputes (signal and direct call)."""
    generation_next(FLEET)


def fleet_generation() -> str:
    return generation(FLEET)


def fleet_summary() -> dict[str, Any]:
    """Counts per bucket, the per-OS-family chart data and the top PIDs of the whole fleet (cached)."""
    from portal.catalog.selectors import dashboard_by_pid, dashboard_chart, dashboard_counts

    return generation_cached(
        (FLEET,),
        "catalog:fleet-summary",
        lambda: {"counts": dashboard_counts(), "chart": dashboard_chart(), "top_pids": dashboard_by_pid()},
        SUMMARY_TTL,
    )
