"""Shared OpenAPI pieces: the error body every endpoint may answer with."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Machine-readable error code, e.g. invalid_input or not_found."),
        "message": serializers.CharField(help_text="What was wrong and how to fix it."),
        "fields": serializers.DictField(required=False, help_text="Per-field problems for invalid input."),
    },
)
