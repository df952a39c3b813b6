"""The template filter for upstream HTML: the one sanitising policy of :mod:`portal.core.sanitise`."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from portal.core.sanitise import sanitise_html

register = template.Library()


@register.filter
def upstream_html(value: object) -> SafeString:
    """Upstream text that may hold HTML (form texts, exception messages), made inert by the allow-list."""
    return sanitise_html(value)
