"""Shared OpenAPI pieces: the error body every endpoint may answer with, and the schema generator that says so.

:class:`PortalAutoSchema` documents, for every operation, the errors it can answer with the shared error body
(a view's own ``@extend_schema(responses=...)`` wins for a code it names):

* 401 and 403: every endpoint needs a token or a session, and a permission;
* 400: a body is read (POST, PUT, PATCH) or query parameters are (filters, sorting);
* 404: a path names an object, or a list is paged (a page past the end).

It also documents the filters of a view that applies a filterset by hand to rows of another model (the
recommendations list filters devices): ``schema_filterset_class`` on the view names it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Machine-readable error code, e.g. invalid_input or not_found."),
        "message": serializers.CharField(help_text="What was wrong and how to fix it."),
        "fields": serializers.DictField(
            required=False, help_text="Per-field (or per-parameter) problems for invalid input."
        ),
    },
)

_WRITES = ("POST", "PUT", "PATCH")


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema plus the error answers every endpoint shares (see the module docstring)."""

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "schema_filterset_class", None)
        if filterset_class is None or self.method != "GET" or self._has_id():
            return parameters
        extension = DjangoFilterExtension(DjangoFilterBackend())
        model = filterset_class._meta.model
        for name, filter_field in filterset_class.base_filters.items():
            parameters += extension.resolve_filter_field(self, model, filterset_class, name, filter_field)
        return parameters

    def _has_id(self) -> bool:
        return "{" in self.path

    def _error_codes(self) -> list[int]:
        codes = [401, 403]
        queried = self.method == "GET" and any(p["in"] == "query" for p in self._get_parameters())
        if self.method in _WRITES or queried:
            codes.append(400)
        paged = self.method == "GET" and bool(self._get_pagination_parameters())
        if self._has_id() or paged:
            codes.append(404)
        return sorted(codes)

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ErrorSerializer, str(code), direction=direction)
        return responses


_REF = re.compile(r"#/components/schemas/([^\"/]+)")


def drop_unused_components(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Schema post-processing: leave out components no operation reaches (drf-spectacular also writes the request
    variant of a read-only nested serializer, which nothing uses)."""
    schemas = result.get("components", {}).get("schemas", {})
    pending = set(
        _REF.findall(json.dumps({key: value for key, value in result.items() if key != "components"}, default=str))
    )
    reachable: set[str] = set()
    while pending:
        name = pending.pop()
        if name in reachable or name not in schemas:
            continue
        reachable.add(name)
        pending |= set(_REF.findall(json.dumps(schemas[name], default=str)))
    for name in [name for name in schemas if name not in reachable]:
        del schemas[name]
    return result
