"""Template helpers for compliance pages: upstream HTML through the sanitiser, links that may not exist yet."""

from __future__ import annotations

import json

from django import template
from django.urls import NoReverseMatch
from django.utils.safestring import SafeString

from compliance.sanitise import sanitise_html

register = template.Library()


@register.filter
def upstream_html(value: object) -> SafeString:
    """Upstream text that may hold HTML (exception messages), made inert by the allow-list sanitiser."""
    return sanitise_html(value)


@register.filter
def pretty_json(value: object) -> str:
    """JSON indented for reading (escaped by the template like any text)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


@register.filter
def object_url(obj: object) -> str:
    """The object's page, or "" when its app does not offer one (yet)."""
    try:
        return obj.get_absolute_url()
    except (AttributeError, NoReverseMatch):
        return ""
