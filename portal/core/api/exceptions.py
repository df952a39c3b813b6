"""Every API error is JSON with a machine-readable ``code`` and a human ``message`` (plus ``fields`` for input)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class ServiceError(exceptions.APIException):
    """A service refused an action; carries our own code (e.g. ``job_not_cancellable``)."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(
        self, message: str, *, code: str, status_code: int | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(detail=message, code=code)
        if status_code is not None:
            self.status_code = status_code
        self.extra = extra or {}  # more keys of the body, e.g. the id of the object a 409 conflicts with


def _message(detail: Any) -> str:
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    if isinstance(detail, dict):
        return " ".join(f"{key}: {_message(value)}" for key, value in detail.items())
    return str(detail)


# Digits of the largest number a database integer column holds (2**63 - 1 has 19).
_MAX_DIGITS = 18


def _out_of_range(exc: Exception) -> bool:
    """A number too large for a database integer: SQLite refuses to bind it, PostgreSQL answers a DataError."""
    if isinstance(exc, OverflowError):
        return "SQLite INTEGER" in str(exc)
    return isinstance(exc, DataError) and "out of range" in str(exc)


def _number_out_of_range(context: dict) -> exceptions.APIException:
    """A lookup by an id no row can have is not found; any other out-of-range number is invalid input."""
    kwargs = context.get("kwargs") or {}
    if any(str(value).isdigit() and len(str(value)) > _MAX_DIGITS for value in kwargs.values()):
        return exceptions.NotFound()
    return exceptions.ValidationError({"detail": ["A number is too large (at most 18 digits)."]})


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Turn DRF's error bodies into {"code", "message", "fields"?}.

    Every view's safety net for numbers of 19+ digits in ids and filters: the database cannot compare them, and
    the answer is a 404 (an id) or a 400, never a 500, whichever endpoint forgot to check."""
    if _out_of_range(exc):
        exc = _number_out_of_range(context)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        body: dict[str, Any] = {"code": "invalid_input", "message": _message(exc.detail)}
        if isinstance(exc.detail, dict):
            body["fields"] = exc.detail
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = {"code": code, "message": _message(exc.detail), **getattr(exc, "extra", {})}
    response.data = body
    return response
