"""Sending signals between apps: after the commit that made the news true, and never at the sender's expense.

Apps depend one way (compliance -> downloads -> catalog -> inventory); a lower app tells a higher one what
happened by a signal defined in its own ``signals.py``, and the higher app connects a receiver in its
``AppConfig.ready``. Every such signal is sent with :func:`send_on_commit`.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger("portal.signals")


def send_now(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` to every receiver; one that raises is logged with what it was told, the others still run."""
    for receiver, result in signal.send_robust(sender=sender, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "signal receiver %s failed (%s): %r",
                getattr(receiver, "__qualname__", receiver),
                ", ".join(f"{key}={value!r}" for key, value in kwargs.items()),
                result,
                exc_info=result,
            )


def send_on_commit(signal: Signal, *, sender: Any, **kwargs: Any) -> None:
    """Send ``signal`` once the current transaction commits (at once outside one), so receivers see the rows and
    a rolled-back change is never announced. Receivers that fail are logged, never raised to the sender."""
    transaction.on_commit(lambda: send_now(signal, sender=sender, **kwargs))
