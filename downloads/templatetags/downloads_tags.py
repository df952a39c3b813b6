"""Template helpers: rates and what a job needs (upstream HTML: portal.core's upstream_html)."""

from __future__ import annotations

from django import template

from downloads.explain import job_needs
from downloads.models import DownloadJob
from downloads.views import CHANGE_JOB
from portal.core.humanize import size_text

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    """Bytes per second with the size unit every page uses ("1.9 MB/s"); ETAs use the built-in ``duration``."""
    return f"{size_text(round(value))}/s" if value else "—"


@register.simple_tag(takes_context=True)
def needs(context: template.Context, job: DownloadJob) -> str:
    """What the job needs to go on (see downloads.explain), said to the user reading the page."""
    user = context.get("user")
    return job_needs(job, can_retry=bool(user and user.has_perm(CHANGE_JOB)))
