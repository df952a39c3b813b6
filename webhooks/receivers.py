"""Receivers of the other apps' signals: each event is recorded for the webhooks that receive it.

The signals are sent after the commit that made them true (portal.core.signals.send_on_commit), in the process of
whoever caused the event (a worker, a web request); a receiver that fails is logged there and never breaks the
sender's work. The deliveries themselves are sent by a worker.
"""

from __future__ import annotations

from typing import Any

from webhooks import events
from webhooks.choices import WebhookEvent
from webhooks.services import webhook_event_emit


def job_stored(sender: Any = None, job_id: int | None = None, **kwargs: Any) -> None:
    """downloads.signals.job_stored -> ``download.stored``."""
    if job_id is not None:
        webhook_event_emit(event=WebhookEvent.DOWNLOAD_STORED, build=lambda: events.download_job_data(job_id))


def job_failed(sender: Any = None, job_id: int | None = None, **kwargs: Any) -> None:
    """downloads.signals.job_failed -> ``download.failed``."""
    if job_id is not None:
        webhook_event_emit(event=WebhookEvent.DOWNLOAD_FAILED, build=lambda: events.download_job_data(job_id))


def job_awaiting_compliance(sender: Any = None, job_id: int | None = None, **kwargs: Any) -> None:
    """downloads.signals.job_awaiting_compliance -> ``compliance.waiting``."""
    if job_id is not None:
        webhook_event_emit(event=WebhookEvent.COMPLIANCE_WAITING, build=lambda: events.download_job_data(job_id))


def form_decided(sender: Any = None, decision_id: int | None = None, **kwargs: Any) -> None:
    """compliance.signals.form_decided -> ``compliance.decided``."""
    if decision_id is not None:
        webhook_event_emit(event=WebhookEvent.COMPLIANCE_DECIDED, build=lambda: events.decision_data(decision_id))


def catalog_changed(sender: Any = None, pid: str | None = None, changes: Any = (), **kwargs: Any) -> None:
    """portal.catalog.signals.catalog_changed -> ``catalog.changed``."""
    if pid:
        changes = list(changes or [])
        webhook_event_emit(event=WebhookEvent.CATALOG_CHANGED, build=lambda: events.catalog_change_data(pid, changes))


def connect() -> None:
    """Connect every receiver (AppConfig.ready); dispatch_uid keeps one connection each."""
    from compliance.signals import form_decided as form_decided_signal
    from downloads import signals as downloads_signals
    from portal.catalog.signals import catalog_changed as catalog_changed_signal

    pairs = [
        (downloads_signals.job_stored, job_stored),
        (downloads_signals.job_failed, job_failed),
        (downloads_signals.job_awaiting_compliance, job_awaiting_compliance),
        (form_decided_signal, form_decided),
        (catalog_changed_signal, catalog_changed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"webhooks-{receiver.__name__}")
