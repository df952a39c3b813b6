"""Celery tasks of the compliance app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from compliance.choices import FormKind


@shared_task(name="compliance.tasks.form_snapshots_refresh")
def form_snapshots_refresh_task(kinds: list[str] | None = None) -> dict[str, str]:
    """Fetch the K9 and EULA forms (or those named) and keep any new version as a snapshot."""
    from compliance import services

    return services.form_snapshots_refresh(kinds=tuple(kinds or FormKind.values))
