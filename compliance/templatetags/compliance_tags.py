"""Template helpers for compliance pages (upstream HTML goes through portal.core's ``upstream_html`` filter)."""

from __future__ import annotations

import json
import re

from django import template

register = template.Library()
# json.dumps escapes C0 controls itself; DEL, C1 controls and bidi overrides it leaves as they are.
_INVISIBLE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@register.filter
def pretty_json(value: object) -> str:
    """JSON indented for reading, every invisible or reordering character written as its escape (still the same
    JSON value; escaped by the template like any text)."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return _INVISIBLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
