"""Compare a JSON response with a spec sample by shape: keys, nesting and value types, recursively.

Objects must have exactly the sample's keys. Inside arrays the sample's elements are merged first: a key is
required when every sample element has it and allowed when any has it (the metadata/images sample leaves
out fields that do not apply). An empty sample array or object allows any content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Shape:
    """The shape of a JSON value."""

    kind: str  # object | array | string | integer | number | boolean | null
    fields: dict[str, Shape] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    items: Shape | None = None
    open: bool = False


def kind_of(value: Any) -> str:
    """The JSON type name of a decoded value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(type(value))


def shape_of(value: Any) -> Shape:
    """The shape of one sample value."""
    kind = kind_of(value)
    if kind == "object":
        fields = {key: shape_of(item) for key, item in value.items()}
        return Shape(kind, fields, set(fields), open=not fields)
    if kind == "array":
        items = None
        for element in value:
            items = shape_of(element) if items is None else merge(items, shape_of(element))
        return Shape(kind, items=items)
    return Shape(kind)


def merge(a: Shape, b: Shape) -> Shape:
    """The shape that both sample elements satisfy (union of keys, intersection of required keys)."""
    if a.kind != b.kind:
        raise ValueError(f"sample elements disagree: {a.kind} vs {b.kind}")
    if a.kind == "object":
        fields = dict(a.fields)
        for key, sub in b.fields.items():
            fields[key] = merge(fields[key], sub) if key in fields else sub
        return Shape("object", fields, a.required & b.required, open=a.open or b.open)
    if a.kind == "array":
        items = b.items if a.items is None else a.items if b.items is None else merge(a.items, b.items)
        return Shape("array", items=items)
    return a


def shape_errors(shape: Shape, value: Any, path: str = "$") -> list[str]:
    """Every way ``value`` departs from ``shape`` (empty when it matches)."""
    kind = kind_of(value)
    if kind != shape.kind:
        return [f"{path}: expected {shape.kind}, got {kind} ({value!r:.60})"]
    errors: list[str] = []
    if kind == "object" and not shape.open:
        errors += [f"{path}.{key}: missing" for key in sorted(shape.required - value.keys())]
        errors += [f"{path}.{key}: not in the sample" for key in sorted(value.keys() - shape.fields.keys())]
        for key in value.keys() & shape.fields.keys():
            errors += shape_errors(shape.fields[key], value[key], f"{path}.{key}")
    if kind == "array" and shape.items is not None:
        for index, element in enumerate(value):
            errors += shape_errors(shape.items, element, f"{path}[{index}]")
    return errors


def assert_same_shape(sample: Any, actual: Any) -> None:
    """Fail with every difference when ``actual`` does not have the shape of ``sample``."""
    errors = shape_errors(shape_of(sample), actual)
    assert not errors, "response does not match the sample's shape:\n" + "\n".join(errors)
