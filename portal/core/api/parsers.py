"""The API's JSON parser: DRF's, refusing bodies nested too deeply with a 400 instead of a crash.

``json.load`` recurses once per level: a body of 100,000 ``[`` raises RecursionError (a 500 in DRF, which only
catches ValueError), and a body that parses just below the interpreter's limit crashes whatever walks it next
(validation, error messages, a JSON column). No request of this API needs more than a few levels, so anything
deeper than MAX_DEPTH is refused whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def json_depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (0 for a scalar); iterative, so any depth is measured."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in item)
    return deepest


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser; a body nested deeper than MAX_DEPTH levels is a 400 (``parse_error``)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep") from None
        if json_depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep")
        return data
