"""Template helpers for compliance pages (upstream HTML goes through portal.core's ``upstream_html`` filter)."""

from __future__ import annotations

import json

from django import template

register = template.Library()


@register.filter
def pretty_json(value: object) -> str:
    """JSON indented for reading (escaped by the template like any text)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
