"""Registering webhooks: one set of rules for the page, the API and the admin.

A target is checked against PORTAL_ALLOWED_WEBHOOK_HOSTS when it is saved (here) and again before every
connection (:mod:`webhooks.services.deliveries`), with the download host policy's own code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portal.cisco.exceptions import HostNotAllowed
from webhooks import conf
from webhooks.choices import DeliveryState, WebhookEvent
from webhooks.models import Webhook, WebhookDelivery

# The columns' lengths (every one of these fields has one).
MAX_NAME = cast(int, Webhook._meta.get_field("name").max_length)
MAX_URL = cast(int, Webhook._meta.get_field("url").max_length)
MAX_SECRET = cast(int, Webhook._meta.get_field("secret").max_length)


class WebhookInvalid(ValueError):
    """Input a webhook cannot be saved with; ``fields`` maps each field to its problems (for forms and the API)."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields
        super().__init__(" ".join(f"{name}: {' '.join(problems)}" for name, problems in fields.items()))


def webhook_url_check(url: str) -> None:
    """Raise :class:`HostNotAllowed` unless ``url`` may be contacted now (scheme, user-info, allowed host)."""
    conf.host_policy().check(url)


def _name_problems(name: str, webhook: Webhook | None) -> list[str]:
    if not name.strip():
        return ["A name is required."]
    if len(name) > MAX_NAME:
        return [f"At most {MAX_NAME} characters."]
    others = Webhook.objects.filter(name__iexact=name.strip())
    if webhook is not None:
        others = others.exclude(pk=webhook.pk)
    return [f"A webhook named {name.strip()!r} exists already."] if others.exists() else []


def _url_problems(url: str) -> list[str]:
    if not url.strip():
        return ["A URL is required."]
    if len(url) > MAX_URL:
        return [f"At most {MAX_URL} characters."]
    try:
        webhook_url_check(url.strip())
    except HostNotAllowed as exc:
        text = exc.message[:1].upper() + exc.message[1:]
        return [text if conf.ALLOWED_HOSTS_SETTING in text else f"{text} (see {conf.ALLOWED_HOSTS_SETTING})."]
    return []


def _secret_problems(secret: str) -> list[str]:
    if len(secret) < conf.SECRET_MIN_LENGTH:
        return [f"At least {conf.SECRET_MIN_LENGTH} characters (it signs every delivery)."]
    if len(secret) > MAX_SECRET:
        return [f"At most {MAX_SECRET} characters."]
    return []


def webhook_events_clean(events: Iterable[str]) -> list[str]:
    """The known event names in ``events``, deduplicated, in the order of :class:`WebhookEvent`; raises
    :class:`WebhookInvalid` naming unknown ones, or when none is given."""
    wanted = [str(event).strip() for event in events]
    unknown = sorted({event for event in wanted if event not in WebhookEvent.values})
    if unknown:
        known = ", ".join(WebhookEvent.values)
        noun = "event" if len(unknown) == 1 else "events"
        raise WebhookInvalid({"events": [f"Unknown {noun}: {', '.join(unknown)}. Known: {known}."]})
    if not wanted:
        raise WebhookInvalid({"events": ["Choose at least one event."]})
    return [event for event in WebhookEvent.values if event in wanted]


def webhook_values_clean(values: dict[str, Any], *, webhook: Webhook | None) -> dict[str, Any]:
    """The given fields of a new (``webhook`` None) or existing webhook, checked and normalised; raises
    :class:`WebhookInvalid` naming every field with a problem. Fields left out are not checked."""
    values = dict(values)
    problems: dict[str, list[str]] = {}
    if "name" in values:
        problems["name"] = _name_problems(values["name"], webhook)
    if "url" in values:
        problems["url"] = _url_problems(values["url"])
    if "secret" in values:
        problems["secret"] = _secret_problems(values["secret"])
    if "events" in values:
        try:
            values["events"] = webhook_events_clean(values["events"])
        except WebhookInvalid as exc:
            problems.update(exc.fields)
    problems = {field: found for field, found in problems.items() if found}
    if problems:
        raise WebhookInvalid(problems)
    return {key: value.strip() if key in ("name", "url") else value for key, value in values.items()}


def webhook_create(
    *,
    name: str,
    url: str,
    secret: str,
    events: Iterable[str],
    enabled: bool = True,
    created_by: User | None = None,
) -> Webhook:
    """Register a webhook (its target must be allowed now); raises :class:`WebhookInvalid`."""
    values = webhook_values_clean({"name": name, "url": url, "secret": secret, "events": list(events)}, webhook=None)
    return Webhook.objects.create(**values, enabled=enabled, created_by=created_by)


def webhook_update(
    *,
    webhook: Webhook,
    name: str | None = None,
    url: str | None = None,
    secret: str | None = None,
    events: Iterable[str] | None = None,
    enabled: bool | None = None,
) -> Webhook:
    """Change what is given (``None``, and an empty secret, keep the current value); raises :class:`WebhookInvalid`.

    Disabling cancels the deliveries still waiting to be sent.
    """
    given = {"name": name, "url": url, "events": None if events is None else list(events), "enabled": enabled}
    if secret:
        given["secret"] = secret
    values = webhook_values_clean({key: value for key, value in given.items() if value is not None}, webhook=webhook)
    with transaction.atomic():
        for key, value in values.items():
            setattr(webhook, key, value)
        webhook.save()
        if enabled is False:
            _cancel_pending(webhook, "The webhook was disabled before this delivery was sent.")
    return webhook


def webhook_delete(*, webhook: Webhook) -> None:
    """Delete a webhook; its log stays (under its name), and what was still to send is cancelled."""
    with transaction.atomic():
        _cancel_pending(webhook, "The webhook was deleted before this delivery was sent.")
        webhook.delete()


def _cancel_pending(webhook: Webhook, reason: str) -> int:
    now = timezone.now()
    return WebhookDelivery.objects.filter(webhook=webhook, state=DeliveryState.PENDING).update(
        state=DeliveryState.CANCELLED, last_error=reason, next_attempt_at=None, finished_at=now, updated_at=now
    )
