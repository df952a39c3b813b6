"""The ``data`` of each event, in the shape the REST API gives the same object (the apps' own serializers).

Links inside ``data`` (``url``, ``stored_image``) start with PORTAL_BASE_URL; without it they are paths on
Depot's own address, as there is no request to take a host name from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def download_job_data(job_id: int) -> dict[str, Any] | None:
    """A download job as ``GET /api/v1/downloads/jobs/{id}/`` shows it (``None`` when it is gone)."""
    from downloads.api.serializers import DownloadJobSerializer
    from downloads.models import DownloadJob

    job = DownloadJob.objects.select_related("requested_by", "stored_image").filter(pk=job_id).first()
    return None if job is None else dict(DownloadJobSerializer(job).data)


def decision_data(decision_id: int) -> dict[str, Any] | None:
    """A compliance decision as ``GET /api/v1/compliance/decisions/{sequence}/`` shows it."""
    from compliance.api.serializers import DecisionSerializer
    from compliance.models import Decision

    decision = Decision.objects.filter(pk=decision_id).first()
    return None if decision is None else dict(DecisionSerializer(decision).data)


def catalog_change_data(pid: str, changes: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The product as ``GET /api/v1/catalog/products/{pid}/`` shows it (``None`` if it left the catalog) and the
    changes as the catalog reported them: ``[{"kind": "suggested"|"deferred"|"deleted"|"psirt", "release"}]``."""
    from portal.catalog.api.serializers import ProductSerializer
    from portal.catalog.selectors import products_with_counts

    product = products_with_counts().filter(pid=pid).first()
    return {
        "pid": pid,
        "product": None if product is None else dict(ProductSerializer(product).data),
        "changes": [{"kind": str(c.get("kind", "")), "release": str(c.get("release", ""))} for c in changes],
    }


def webhook_data(webhook: Any) -> dict[str, Any]:
    """A webhook as ``GET /api/v1/webhooks/{id}/`` shows it (never its secret): the data of ``webhook.test``."""
    from webhooks.api.serializers import WebhookSerializer

    return dict(WebhookSerializer(webhook).data)
