"""Template helpers: upstream HTML sanitised with a small allow-list, sizes, rates and durations."""

from __future__ import annotations

import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

from downloads.explain import job_needs

register = template.Library()

_TAGS = {"a", "b", "strong", "i", "em", "br", "p", "ul", "ol", "li", "code"}
_ATTRIBUTES = {"a": {"href", "title"}}


@register.filter
def upstream_html(value: str) -> SafeString:
    """The upstream's message as safe HTML: a few tags, links only http(s)/mailto with rel=noopener noreferrer."""
    cleaned = nh3.clean(
        value or "",
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - produced by nh3 with the allow-list above


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


@register.simple_tag
def needs(job) -> str:
    """What the job needs to go on (see downloads.explain)."""
    return job_needs(job)
