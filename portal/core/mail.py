"""The e-mail backend of ``PORTAL_EMAIL_URL=consolemail://`` (the embedded default): each message is one INFO record
in the log instead of text printed to stdout, which a Celery worker would relay line by line as WARNINGs."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger("portal.mail")


class LogEmailBackend(BaseEmailBackend):
    """Writes every message (recipients, subject, body) to the ``portal.mail`` logger at INFO; sends nothing."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            logger.info(
                "e-mail (not sent: PORTAL_EMAIL_URL is consolemail://) to %s: %s\n%s",
                ", ".join(message.recipients()),
                message.subject,
                message.body,
            )
        return len(email_messages)
