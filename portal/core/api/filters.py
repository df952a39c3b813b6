"""Query parameters the django-filter way, for API views that filter something other than one queryset field."""

from __future__ import annotations

from django import forms
from django_filters import rest_framework as filters

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


class StrictBooleanField(forms.Field):
    """A yes/no parameter: ``true``/``false`` (also 1/0, yes/no, on/off, any case); anything else is an error
    naming the valid values, never silently read as false. Left out: None."""

    def to_python(self, value: object) -> bool | None:
        text = str(value).strip().lower() if value not in (None, "") else ""
        if not text:
            return None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise forms.ValidationError(f"{str(value)[:40]!r} is not a yes/no value: use true or false.", code="invalid")


class StrictBooleanFilter(filters.Filter):
    """A boolean filter that refuses what it cannot read (django-filter's own BooleanFilter ignores it)."""

    field_class = StrictBooleanField
