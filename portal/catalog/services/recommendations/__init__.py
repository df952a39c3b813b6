"""Recommendations: for each device a target release (its standard, else the newest suggested release above the
current one, else the latest) with the reason in words, and the flags the dashboard counts.

Computed in bulk and stored (catalog.Recommendation), so pages and the API read them with joins instead of
working them out per row. Split by concern: ``loading`` reads the catalog into plain values, ``rules`` decides
(pure functions), ``storage`` walks the devices and writes the rows.
"""

from portal.catalog.services.recommendations.rules import recommend, target_image_for
from portal.catalog.services.recommendations.storage import recommendations_recompute

__all__ = ["recommend", "recommendations_recompute", "target_image_for"]
