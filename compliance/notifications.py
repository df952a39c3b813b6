"""E-mail to the people who decide forms when a download starts waiting on one (Django's e-mail backend)."""

from __future__ import annotations

import logging
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse

from compliance.choices import FORMS_FOR_NEED, FormKind
from compliance.selectors import queue_count
from downloads.choices import JobState
from downloads.models import DownloadJob
from portal.core.links import portal_url
from portal.core.sanitise import plain_text

logger = logging.getLogger(__name__)
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f]+")


def officer_addresses() -> list[str]:
    """E-mail addresses of active users who may decide forms (by permission, through a group or directly)."""
    permission = Permission.objects.filter(content_type__app_label="compliance", codename="decide_form").first()
    if permission is None:
        return []
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .distinct()
        .order_by("email")
    )
    return list(users.values_list("email", flat=True).distinct())


def _review_url(job: DownloadJob) -> str:
    """The form to decide (the queue when the job waits on both), as an absolute link when PORTAL_BASE_URL is set."""
    kinds = FORMS_FOR_NEED.get(job.waiting_for, ())
    path = reverse("compliance:form", args=[kinds[0]]) if len(kinds) == 1 else reverse("compliance:queue")
    return portal_url(path)


def _body(job: DownloadJob, forms: str, waiting: int) -> str:
    requester = job.requested_by.get_username() if job.requested_by else "(no user: API or schedule)"
    message = plain_text(job.upstream_message) or "(none)"
    return "\n".join(
        [
            f"A download waits on a compliance decision: {forms}.",
            "",
            f"Image:     {job.image_name}",
            f"Product:   {job.pid}",
            f"Requested: {requester}",
            f"Cisco:     {job.upstream_code} {message}".rstrip(),
            "",
            f"Download:  {portal_url(job.get_absolute_url())}",
            "",
            f"Downloads waiting on a form now: {waiting}.",
            f"Review and decide in Depot: {_review_url(job)}",
        ]
    )


def officers_notify_job_waiting(*, job_id: int) -> int:
    """Send one e-mail about a job that started waiting; returns the number of recipients (0: nothing sent)."""
    job = DownloadJob.objects.select_related("requested_by").filter(pk=job_id, state=JobState.AWAITING_COMPLIANCE)
    job = job.first()
    if job is None:
        return 0
    recipients = officer_addresses()
    if not recipients:
        logger.warning("compliance: job %s waits on a form, but no officer has an e-mail address", job_id)
        return 0
    forms = " and ".join(str(FormKind(kind).label) for kind in FORMS_FOR_NEED.get(job.waiting_for, ())) or "a form"
    # The image name comes from outside: no control characters may reach a mail header.
    subject = _HEADER_UNSAFE.sub(" ", f"[Depot] {job.image_name} waits on the {forms}")[:200]
    EmailMessage(subject, _body(job, forms, queue_count()), to=recipients).send()
    return len(recipients)
