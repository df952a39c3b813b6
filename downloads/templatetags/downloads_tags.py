"""Template helpers: rates, durations and what a job needs (upstream HTML: portal.core's upstream_html)."""

from __future__ import annotations

from django import template

from downloads.explain import job_needs
from downloads.models import DownloadJob
from downloads.views import CHANGE_JOB

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    """Bytes per second as MB/s."""
    return f"{(value or 0) / 1e6:.1f} MB/s" if value else "—"


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as 1 h 02 min / 3 min 04 s / 5 s."""
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


@register.simple_tag(takes_context=True)
def needs(context: template.Context, job: DownloadJob) -> str:
    """What the job needs to go on (see downloads.explain), said to the user reading the page."""
    user = context.get("user")
    return job_needs(job, can_retry=bool(user and user.has_perm(CHANGE_JOB)))
