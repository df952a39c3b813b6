"""Deliveries: written before they are queued, sent by a worker, retried with backoff, recovered by beat.

Invariant: a run owns a delivery while its state is ``sending`` with the run's ``run_id``; the outcome of an
attempt is written only under that pair, so a run that lost the delivery (beat took it back after its worker
stopped) cannot overwrite what a newer run recorded. Delivery is at least once: a worker killed after the
receiver answered but before the row was written sends it again, with the same ``X-Depot-Delivery`` id.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.cisco.exceptions import HostNotAllowed
from portal.cisco.transport import TRANSIENT_EXCEPTIONS, describe_exception, make_session, retry_after
from portal.core.text import text_clean
from webhooks import conf
from webhooks.choices import TEST_EVENT, DeliveryState
from webhooks.models import Webhook, WebhookDelivery
from webhooks.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature

logger = logging.getLogger("webhooks")

# Worth another attempt: the receiver was down, overloaded or slow. Other answers (4xx, redirects) would be the same.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
CLOCK_SLACK = 2.0  # seconds


def payload_body(event: str, occurred_at: dt.datetime, data: Mapping[str, Any]) -> str:
    """The JSON body of a delivery: ``{"event", "occurred_at", "data"}`` (ASCII, so its bytes are unambiguous)."""
    # Imported here: this module loads in every worker (the admin and the tasks import it); DRF, and through its
    # compat module django.contrib.postgres and psycopg (~10 MB on SQLite), only when an event has a subscriber.
    from rest_framework.fields import DateTimeField

    when = DateTimeField().to_representation(occurred_at)
    return json.dumps({"event": event, "occurred_at": when, "data": data}, cls=DjangoJSONEncoder)


def webhook_subscribers(*, event: str) -> list[Webhook]:
    """Enabled webhooks that receive ``event`` (few rows: filtered here, JSON lookups differ between databases)."""
    return [hook for hook in Webhook.objects.filter(enabled=True) if event in hook.events]


def webhook_event_emit(
    *, event: str, build: Callable[[], Mapping[str, Any] | None], occurred_at: dt.datetime | None = None
) -> list[WebhookDelivery]:
    """Record ``event`` for every webhook that receives it and queue the deliveries after the commit.

    ``build`` makes the event's ``data`` (called only when someone subscribes; ``None`` drops the event, e.g. its
    object is gone). Every subscriber gets the same body.
    """
    hooks = webhook_subscribers(event=event)
    if not hooks:
        return []
    data = build()
    if data is None:
        return []
    occurred_at = occurred_at or timezone.now()
    body = payload_body(event, occurred_at, data)
    with transaction.atomic():
        return [_delivery_create(hook, event, occurred_at, body) for hook in hooks]


def webhook_test_send(*, webhook: Webhook) -> WebhookDelivery:
    """Queue a ``webhook.test`` delivery to ``webhook`` (even while it is disabled, to try a target first)."""
    from webhooks.events import webhook_data

    now = timezone.now()
    body = payload_body(TEST_EVENT, now, webhook_data(webhook))
    with transaction.atomic():
        return _delivery_create(webhook, TEST_EVENT, now, body)


def webhook_delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery | None:
    """Queue the same body again to the same webhook as a new delivery; ``None`` when the webhook is gone."""
    webhook = Webhook.objects.filter(pk=delivery.webhook_id).first() if delivery.webhook_id is not None else None
    if webhook is None:
        return None
    with transaction.atomic():
        return _delivery_create(webhook, delivery.event, delivery.occurred_at, delivery.body)


def _delivery_create(webhook: Webhook, event: str, occurred_at: dt.datetime, body: str) -> WebhookDelivery:
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        webhook_name=webhook.name,
        event=event,
        occurred_at=occurred_at,
        body=body,
        next_attempt_at=timezone.now(),
    )
    _enqueue(delivery.pk)
    return delivery


def _enqueue(delivery_id: int, countdown: float = 0) -> None:
    """Queue an attempt once the current transaction commits (the row must be visible to the worker)."""
    from webhooks.tasks import webhook_delivery_send_task

    transaction.on_commit(lambda: webhook_delivery_send_task.apply_async((delivery_id,), countdown=countdown))


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave: the answer's status (None: no answer), an error text, whether to try again."""

    status_code: int | None = None
    error: str = ""
    retry: bool = False
    delay: float | None = None  # the receiver's Retry-After, when it gave one

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def webhook_delivery_send(*, delivery_id: int) -> str | None:
    """Make the next attempt of a delivery that is due; return its state afterwards (``None``: not due, or done)."""
    run_id = uuid.uuid4().hex
    now = timezone.now()
    # A retry's message is due when its countdown ends; the slack absorbs clocks of workers a little apart.
    due = now + dt.timedelta(seconds=CLOCK_SLACK)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=due
    ).update(state=DeliveryState.SENDING, run_id=run_id, claimed_at=now, updated_at=now)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    if webhook is None or (not webhook.enabled and delivery.event != TEST_EVENT):
        gone = "deleted" if webhook is None else "disabled"
        return _finish(delivery, run_id, DeliveryState.CANCELLED, f"The webhook was {gone} before this was sent.")
    outcome = _attempt(webhook, delivery)
    return _record(delivery, run_id, outcome)


def _attempt(webhook: Webhook, delivery: WebhookDelivery) -> Outcome:
    """One POST, after the target passed the host policy as it is configured now (nothing is sent otherwise)."""
    try:
        conf.host_policy().check(webhook.url)
    except HostNotAllowed as exc:
        return Outcome(error=f"Refused before connecting: {exc.message}.")
    body = delivery.body.encode("ascii")
    headers = {
        "Content-Type": "application/json",
        "User-Agent": conf.USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: signature(body, webhook.secret),
    }
    session = make_session(pool_maxsize=1)
    try:
        response = session.post(
            webhook.url, data=body, headers=headers, timeout=conf.timeouts(), allow_redirects=False, stream=True
        )
        excerpt = _excerpt(response)
    except TRANSIENT_EXCEPTIONS as exc:
        return Outcome(error=describe_exception(exc), retry=True)
    except requests.RequestException as exc:
        return Outcome(error=describe_exception(exc))
    finally:
        session.close()
    return _judge(response, excerpt)


def _excerpt(response: requests.Response) -> str:
    try:
        raw = response.raw.read(conf.ANSWER_EXCERPT, decode_content=True) or b""
    except Exception:  # noqa: BLE001 - the status is what counts; the text is a courtesy
        raw = b""
    finally:
        response.close()
    return " ".join(raw.decode("utf-8", "replace").split())


def _judge(response: requests.Response, excerpt: str) -> Outcome:
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(status)
    if 300 <= status < 400:
        return Outcome(status, f"HTTP {status}: redirects are not followed; register the final URL.")
    error = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    if status in RETRY_STATUSES:
        return Outcome(status, error, retry=True, delay=retry_after(response.headers))
    return Outcome(status, error)


def _record(delivery: WebhookDelivery, run_id: str, outcome: Outcome) -> str:
    policy = conf.retry_policy()
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {"attempts": attempts, "status_code": outcome.status_code}
    if outcome.delivered:
        # The error of an earlier attempt stays: the log tells what it took to get through.
        state = _finish(delivery, run_id, DeliveryState.DELIVERED, delivery.last_error, **fields)
        logger.info("webhook %s: %s delivery %s delivered", delivery.webhook_name, delivery.event, delivery.pk)
        return state
    if outcome.retry and attempts < policy.max_attempts:
        delay = min(outcome.delay if outcome.delay is not None else policy.backoff(attempts), policy.backoff_max)
        now = timezone.now()
        moved = _owned(delivery, run_id).update(
            **fields,
            state=DeliveryState.PENDING,
            last_error=text_clean(outcome.error),
            next_attempt_at=now + dt.timedelta(seconds=delay),
            run_id="",
            claimed_at=None,
            updated_at=now,
        )
        if moved:
            _enqueue(delivery.pk, countdown=delay)
        logger.warning(
            "webhook %s: %s delivery %s attempt %d failed (%s); next in %.1f s",
            delivery.webhook_name,
            delivery.event,
            delivery.pk,
            attempts,
            outcome.error,
            delay,
        )
        return DeliveryState.PENDING
    error = outcome.error + (f" (gave up after {attempts} attempts)" if outcome.retry else "")
    logger.warning("webhook %s: %s delivery %s failed: %s", delivery.webhook_name, delivery.event, delivery.pk, error)
    return _finish(delivery, run_id, DeliveryState.FAILED, error, **fields)


def _owned(delivery: WebhookDelivery, run_id: str):
    return WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING, run_id=run_id)


def _finish(delivery: WebhookDelivery, run_id: str, state: str, error: str, **fields: Any) -> str:
    now = timezone.now()
    _owned(delivery, run_id).update(
        **fields,
        state=state,
        last_error=text_clean(error),
        next_attempt_at=None,
        run_id="",
        claimed_at=None,
        finished_at=now,
        updated_at=now,
    )
    return state


def webhook_deliveries_reconcile(*, stale_after_seconds: float | None = None) -> list[int]:
    """The database is the truth: queue again deliveries overdue for a while (the broker lost their message) and
    take back those whose worker stopped mid-attempt (that attempt counts, so a delivery that kills its worker
    every time still ends)."""
    seconds = conf.stale_seconds() if stale_after_seconds is None else stale_after_seconds
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=seconds)
    stale = WebhookDelivery.objects.filter(
        Q(state=DeliveryState.PENDING, next_attempt_at__lt=cutoff)
        | Q(state=DeliveryState.SENDING, claimed_at__lt=cutoff)
    ).values_list("pk", "state", "attempts", "run_id")
    requeued = []
    for pk, state, attempts, run_id in stale:
        same = WebhookDelivery.objects.filter(pk=pk, state=state, run_id=run_id, attempts=attempts)
        if state == DeliveryState.SENDING:
            if attempts + 1 >= conf.max_attempts():
                same.update(
                    state=DeliveryState.FAILED,
                    attempts=attempts + 1,
                    last_error="The worker stopped during the last attempt.",
                    run_id="",
                    finished_at=now,
                    updated_at=now,
                )
                continue
            moved = same.update(
                state=DeliveryState.PENDING,
                attempts=attempts + 1,
                last_error="The worker stopped during an attempt; it is sent again.",
                run_id="",
                claimed_at=None,
                next_attempt_at=now,
                updated_at=now,
            )
        else:
            moved = same.update(next_attempt_at=now, updated_at=now)
        if moved:
            _enqueue(pk)
            requeued.append(pk)
    if requeued:
        logger.warning("webhooks: queued again deliveries the broker or a worker lost: %s", requeued)
    return requeued


def webhook_deliveries_sweep(*, older_than_days: float | None = None) -> int:
    """Delete finished deliveries older than PORTAL_WEBHOOK_LOG_DAYS from the log; returns how many."""
    days = conf.log_days() if older_than_days is None else older_than_days
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = WebhookDelivery.objects.filter(
        state__in=[DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.CANCELLED], finished_at__lt=cutoff
    ).delete()
    return deleted
