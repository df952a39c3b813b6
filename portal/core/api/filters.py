"""Query parameters of lists, one way for every app (django-filter), as NetBox reads them.

* A parameter may be repeated and its values are OR-ed: ``?site=A&site=B``. Pages keep their one-value boxes: a
  multi-value field shows its first value when a form is rendered.
* A value that cannot be read is a 400 naming the parameter (DRF's ``DjangoFilterBackend`` raises it; views that
  filter by hand call :func:`filterset_qs`), never silently ignored. A choice lists the valid values in the
  message and is read by its value or its label, in any case (``?os_family=IOS XE`` is ``ios_xe``).
* Integers are bounded to what every database column holds, so a huge number is a 400, not an OverflowError.
* Yes/no parameters are strict (:class:`StrictBooleanFilter`), and so is sorting (:class:`StrictOrderingFilter`
  for filtersets, :class:`StrictOrderingBackend` for DRF's ``?ordering=``): an unknown field is a 400 listing the
  allowed ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from portal.cisco.versions import ReleaseError, read_release

MAX_INTEGER = 2**63 - 1  # the largest value of a 64-bit integer column (SQLite's INTEGER, PostgreSQL's bigint)
MAX_VALUES = 100  # values of one repeated parameter: enough for any hand-written query, bounded for the database
MAX_TEXT = 200  # characters of one text value: longer than any hostname, PID, site or image name

_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


def _error(text: str, code: str) -> forms.ValidationError:
    """An error whose text is taken as it is: django-filter and Django format a message with ``%``, and a value
    quoted in it (``?q=100%``) must not be read as a format."""
    return forms.ValidationError("%(text)s", code=code, params={"text": text})


def _shown(value: object) -> str:
    """A value as an error message quotes it: cut short, so a hostile parameter cannot fill the answer."""
    return repr(str(value)[:40])


class StrictFilterSet(filters.FilterSet):
    """A filterset that selects nothing when a parameter is wrong (django-filter leaves that parameter out and
    would answer more rows than asked for). The API answers 400 before it gets here; a page shows no rows."""

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if self.is_bound and not self.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)


def filterset_qs(filterset: django_filters.FilterSet) -> QuerySet:
    """The rows ``filterset`` selects, or a 400 naming every parameter that is wrong (django-filter's ``.qs``
    alone would leave a wrong parameter out and answer more rows than asked for)."""
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


# --- Widgets: read every value of a repeated parameter ------------------------------------------------------------


class _MultiValueWidget:
    """Reads all values of a parameter (``QueryDict.getlist``); a plain dict gives its one value or list."""

    def value_from_datadict(self, data: Mapping[str, Any], files: object, name: str) -> list[Any]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        if value is None:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]

    def value_omitted_from_data(self, data: Mapping[str, Any], files: object, name: str) -> bool:
        return name not in data


class MultiTextInput(_MultiValueWidget, forms.TextInput):
    """A text box on a page; every value of the parameter in the API."""


class MultiSelect(_MultiValueWidget, forms.Select):
    """A one-choice select on a page; every value of the parameter in the API."""


# --- Fields -------------------------------------------------------------------------------------------------------


class MultiValueField(forms.Field):
    """Every value of a repeated parameter, blanks left out, each read by :meth:`clean_one`; errors of all the
    values are reported together. A rendered form shows the first value."""

    widget: type[forms.Widget] = MultiTextInput

    def to_python(self, value: object) -> list[Any]:
        if value in (None, "", [], ()):
            return []
        items = [str(item).strip() for item in (value if isinstance(value, (list, tuple)) else [value])]
        items = [item for item in items if item]
        if len(items) > MAX_VALUES:
            raise _error(f"At most {MAX_VALUES} values, not {len(items)}.", code="max_values")
        errors: list[forms.ValidationError] = []
        wrong: list[str] = []
        result = []
        for item in items:
            try:
                result.append(self.clean_one(item))
            except forms.ValidationError as exc:
                errors.append(exc)
                wrong.append(item)
        if errors:
            raise self.combined(errors, wrong)
        return result

    def clean_one(self, text: str) -> Any:
        """One value, stripped and not blank; raise ``forms.ValidationError`` naming what is wrong."""
        return text

    def combined(self, errors: list[forms.ValidationError], wrong: list[str]) -> forms.ValidationError:
        """The error of the values ``wrong`` (one per value unless a subclass says it in one)."""
        return forms.ValidationError(errors)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, (list, tuple)):
            return self.shown(value[0]) if value else ""
        return value

    def shown(self, first: object) -> object:
        """What a page's box shows for the first value."""
        return first


class MultiTextField(MultiValueField):
    """Text values: at most :data:`MAX_TEXT` characters each, no NUL (PostgreSQL refuses it in a query)."""

    def clean_one(self, text: str) -> str:
        ProhibitNullCharactersValidator()(text)
        if len(text) > MAX_TEXT:
            raise _error(f"{_shown(text)}... is longer than {MAX_TEXT} characters.", code="max_length")
        return text


def _release(text: str) -> str:
    try:
        return str(read_release(text))
    except ReleaseError as exc:
        raise _error(str(exc), "invalid_release") from None


class ReleaseTextField(forms.CharField):
    """A release of any OS family, in its canonical spelling (``17.09.04a`` is ``17.9.4a``); text that no family
    writes a release as is refused with an example."""

    def to_python(self, value: object) -> str:
        text = (super().to_python(value) or "").strip()
        return _release(text) if text else ""


class MultiReleaseField(MultiTextField):
    """Releases of any OS family, each as :class:`ReleaseTextField` reads one."""

    def clean_one(self, text: str) -> str:
        return _release(super().clean_one(text))


class MultiIntegerField(MultiValueField):
    """Whole numbers from 0 to :data:`MAX_INTEGER` (ids, numbers of the upstream): anything else is refused with
    that range, so no database is asked about a number its columns cannot hold."""

    def clean_one(self, text: str) -> int:
        number = int(text) if _INTEGER.fullmatch(text) else None
        if number is None or not 0 <= number <= MAX_INTEGER:
            raise _error(f"{_shown(text)} is not a whole number from 0 to {MAX_INTEGER}.", "invalid_integer")
        return number


class MultiChoiceField(MultiValueField):
    """Values of a choice set, each given as its value or its label in any case; an unknown one is refused with
    the list of valid values (and their labels)."""

    widget = MultiSelect

    def __init__(self, *, choices: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = [(str(value), str(label)) for value, label in choices]
        self.widget.choices = [("", "---------"), *self.choices]
        self._lookup: dict[str, str] = {}
        for value, label in self.choices:
            self._lookup.setdefault(label.casefold(), value)
        for value, _label in self.choices:
            self._lookup[value.casefold()] = value  # a value wins over another choice's label

    def valid_text(self) -> str:
        """The choices as a message lists them: ``ios (IOS), ios_xe (IOS XE)``; an empty value by its label alone
        (``?waiting_for=nothing``: a blank value is no filter)."""
        return ", ".join(
            label if not value else value if value == label else f"{value} ({label})" for value, label in self.choices
        )

    def clean_one(self, text: str) -> str:
        found = self._lookup.get(text.casefold())
        if found is None:
            raise _error("not a choice", code="invalid_choice")
        return found

    def combined(self, errors: list[forms.ValidationError], wrong: list[str]) -> forms.ValidationError:
        names = ", ".join(_shown(text) for text in wrong[:5])
        verb = "is not one of the choices" if len(wrong) == 1 else "are not among the choices"
        return _error(f"{names} {verb}: {self.valid_text()}.", code="invalid_choice")

    def shown(self, first: object) -> object:
        return self._lookup.get(str(first).strip().casefold(), first)


class StrictBooleanField(forms.Field):
    """A yes/no parameter: ``true``/``false`` (also 1/0, yes/no, on/off, any case); anything else is an error
    naming the valid values, never silently read as false. Left out: None. Pages show it as any/yes/no."""

    widget = forms.Select(choices=[("", "---------"), ("true", "Yes"), ("false", "No")])

    def to_python(self, value: object) -> bool | None:
        text = str(value).strip().lower() if value not in (None, "") else ""
        if not text:
            return None
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise _error(f"{_shown(value)} is not a yes/no value: use true or false.", code="invalid")

    def prepare_value(self, value: object) -> object:
        if isinstance(value, bool):
            return "true" if value else "false"
        return value


# --- Filters ------------------------------------------------------------------------------------------------------


class _MultiValueFilter(filters.MultipleChoiceFilter):
    """Base of the multi-value filters: the values are OR-ed, as one ``IN`` for an exact lookup.

    (A ``MultipleChoiceFilter`` underneath so that the OpenAPI schema says "an array, repeat the parameter".)
    """

    field_class: type[MultiValueField] = MultiTextField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Sequence[Any]) -> QuerySet:
        if not value:
            return qs
        if self.lookup_expr == "exact":
            qs = self.get_method(qs)(**{f"{self.field_name}__in": list(dict.fromkeys(value))})
        else:
            q = Q()
            for item in value:
                q |= Q(**{f"{self.field_name}__{self.lookup_expr}": item})
            qs = self.get_method(qs)(q)
        return qs.distinct() if self.distinct else qs


@extend_schema_field({"type": "string", "maxLength": MAX_TEXT})
class MultiValueCharFilter(_MultiValueFilter):
    """Text values OR-ed: ``?site=A&site=B``."""

    field_class = MultiTextField


@extend_schema_field({"type": "string", "maxLength": MAX_TEXT, "example": "17.9.4a"})
class MultiValueReleaseFilter(_MultiValueFilter):
    """Releases OR-ed, each in any spelling Cisco uses (the filter gets the canonical ones)."""

    field_class = MultiReleaseField


@extend_schema_field({"type": "string", "example": "17.9.4a"})
class ReleaseFilter(filters.CharFilter):
    """One release, in any spelling Cisco uses (the filter gets the canonical one)."""

    field_class = ReleaseTextField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_INTEGER})
class MultiValueIntegerFilter(_MultiValueFilter):
    """Whole numbers (ids) OR-ed, bounded (a number no column holds is a 400)."""

    field_class = MultiIntegerField


class MultiValueChoiceFilter(_MultiValueFilter):
    """Choice values OR-ed; each by value or label, any case. Needs ``choices``."""

    field_class = MultiChoiceField

    def __init__(self, *args: Any, choices: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, choices=list(choices), **kwargs)


class StrictBooleanFilter(filters.Filter):
    """A boolean filter that refuses what it cannot read (django-filter's own BooleanFilter ignores it)."""

    field_class = StrictBooleanField


class _OrderingField(forms.Field):
    """Comma-separated sort fields, each of ``choices`` (a leading ``-`` sorts descending)."""

    widget = forms.TextInput

    def __init__(self, *, choices: Sequence[str], **kwargs: Any) -> None:
        kwargs.pop("null_label", None)
        kwargs.pop("empty_label", None)
        super().__init__(**kwargs)
        self.allowed = set(choices)
        self.names = [name for name in choices if not name.startswith("-")]

    def to_python(self, value: object) -> list[str]:
        if value in (None, ""):
            return []
        names = [name.strip() for name in str(value).split(",") if name.strip()]
        wrong = [name for name in names if name not in self.allowed]
        if wrong:
            raise _error(
                f"Cannot sort by {', '.join(_shown(name) for name in wrong[:5])}: use "
                f"{', '.join(self.names) or 'nothing here'} (a leading - sorts descending; separate several with "
                "commas).",
                "invalid_ordering",
            )
        return names


@extend_schema_field({"type": "string"})
class StrictOrderingFilter(django_filters.OrderingFilter):
    """django-filter's ordering, refusing an unknown field with the allowed ones (its own says only "Select a
    valid choice")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_class = _OrderingField  # the comma-separated list is read by the field itself

    @property
    def field(self) -> forms.Field:
        if not hasattr(self, "_field"):
            choices = [value for value, _label in self.extra["choices"]]
            kwargs = {key: value for key, value in self.extra.items() if key != "choices"}
            self._field = self.field_class(label=self.label, choices=choices, **kwargs)
        return self._field


class StrictSearchBackend(SearchFilter):
    """DRF's ``?search=`` backend, offered only by views with ``search_fields``; a term with a NUL (which
    PostgreSQL cannot compare) or longer than :data:`MAX_TEXT` characters is a 400."""

    def get_search_terms(self, request: Request) -> list[str]:
        text = request.query_params.get(self.search_param, "")
        try:
            MultiTextField().clean_one(text)
        except forms.ValidationError as exc:
            raise ValidationError({self.search_param: exc.messages}) from None
        return super().get_search_terms(request)

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        fields = getattr(view, "search_fields", None)
        if not fields:
            return []
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["description"] = "Find a text in " + ", ".join(fields) + "."
        return parameters


class StrictOrderingBackend(OrderingFilter):
    """DRF's ``?ordering=`` backend, refusing an unknown field with a 400 listing the view's ``ordering_fields``
    (DRF drops it silently). A view without ``ordering_fields`` cannot be sorted and does not offer the parameter."""

    def get_default_valid_fields(
        self, queryset: QuerySet, view: APIView, context: Mapping[str, Any] | None = None
    ) -> list:
        return []

    def get_ordering(self, request: Request, queryset: QuerySet, view: APIView) -> Sequence[str] | None:
        text = request.query_params.get(self.ordering_param)
        if not text:
            return self.get_default_ordering(view)
        allowed = [name for name, _label in self.get_valid_fields(queryset, view, {"request": request})]
        field = _OrderingField(choices=[*allowed, *(f"-{name}" for name in allowed)])
        try:
            return field.clean(text) or self.get_default_ordering(view)
        except forms.ValidationError as exc:
            raise ValidationError({self.ordering_param: exc.messages}) from None

    def get_schema_operation_parameters(self, view: APIView) -> list[dict]:
        fields = getattr(view, "ordering_fields", None)
        if not fields:
            return []
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["description"] = "Sort by " + ", ".join(fields) + " (a leading - descends)."
        return parameters
