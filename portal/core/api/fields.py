"""The two fields every API object carries, as NetBox's do: ``url`` (where the object lives in the API, absolute)
and ``display`` (a short label a person reads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.core.links import portal_url, route_filler


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """The object's own API URL: under ``PORTAL_BASE_URL`` when set, else the request's host (a serializer used
    without a request, e.g. for a webhook's body, gives the path alone unless ``PORTAL_BASE_URL`` is set).

    ``view_name`` is the detail route; ``lookup`` the attribute (or key) that fills its one URL argument (``pk``),
    ``None`` for a route without one."""

    def __init__(self, view_name: str, *, lookup: str | None = "pk", **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "This object in the API (absolute URL)")
        super().__init__(**kwargs)
        self.view_name = view_name
        self.lookup = lookup

    def to_representation(self, instance: Any) -> str:
        if self.lookup is None:
            return self._base() + reverse(self.view_name)
        value = instance[self.lookup] if isinstance(instance, dict) else getattr(instance, self.lookup)
        return self._base() + self._route()(value)

    def _base(self) -> str:
        # Once per answer, not per row: the scheme and host (validated against ALLOWED_HOSTS) are the same for all.
        context = self._answer()
        if "_portal_url_base" not in context:
            context["_portal_url_base"] = portal_url("/", context.get("request")).rstrip("/")
        return context["_portal_url_base"]

    def _route(self) -> Callable[[object], str]:
        context = self._answer()  # the route is reversed once per answer too
        key = f"_portal_route:{self.view_name}"
        if key not in context:
            context[key] = route_filler(self.view_name)
        return context[key]

    def _answer(self) -> dict:
        return self.context if isinstance(self.context, dict) else {}


@extend_schema_field(OpenApiTypes.STR)
class DisplayField(serializers.Field):
    """A short label of the object for people (NetBox's ``display``): ``str()`` of it unless ``label`` says
    otherwise (a function of the object)."""

    def __init__(self, label: Callable[[Any], str] = str, **kwargs: Any) -> None:
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "A short label of this object for people")
        super().__init__(**kwargs)
        self.label_of = label

    def to_representation(self, instance: Any) -> str:
        return self.label_of(instance)


class ListedNameField(serializers.CharField):
    """A related row's name as a list reads it: from ``attribute``, which the list puts on each row (an annotation),
    else through ``source`` (a detail view). A page of rows then needs no related model instances."""

    def __init__(self, attribute: str, **kwargs: Any) -> None:
        kwargs.update(read_only=True, allow_null=True, default=None)
        super().__init__(**kwargs)
        self.attribute = attribute

    def get_attribute(self, instance: Any) -> Any:
        if hasattr(instance, self.attribute):
            return getattr(instance, self.attribute)
        return super().get_attribute(instance)
