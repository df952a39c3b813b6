"""Tasks that show the Celery machinery itself works."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

BEAT_KEY = "core:beat-alive"


@shared_task(name="portal.core.tasks.echo")
def echo_task(nonce: str) -> None:
    """Write the nonce to the shared cache, so a caller can see a worker really ran the task."""
    cache.set(f"core:echo:{nonce}", {"at": timezone.now().isoformat()}, timeout=600)


@shared_task(name="portal.core.tasks.beat_alive")
def beat_alive_task() -> None:
    """Scheduled by beat every minute; the time it last ran shows beat and a worker are alive."""
    cache.set(BEAT_KEY, timezone.now().isoformat(), timeout=None)
