"""Requests, responses and the error body shape of the simulator.

Error bodies (every non-2xx answer that has a body is JSON of this shape)::

    {"errorCode": "PID_MISSING",
     "errorMessage": "pid is missing in the request. Please provide a valid pid in the request.",
     "httpStatus": 400,
     "detail": "optional: what exactly was wrong (only where it helps)"}

* Application errors (the spec's "Application specific error codes" table): ``errorCode`` is the token and
  ``errorMessage`` its message, verbatim; the HTTP status is the table's.
* Gateway errors (the spec's "Generic HTTP Status codes" table: bad token, rate limits, 404, 415, injected
  5xx): ``errorCode`` is the table's Message column (``"Not Authorized"``, ``"Account Over Queries Per Second
  Limit"``, ``"INVALID_MEDIATYPE"`` ...) and ``errorMessage`` its Description; the Message is also sent in the
  ``X-Error-Detail-Header`` response header, as Cisco's Mashery gateway does.
* The compliance POSTs add ``"statusCode": "INVALID_INPUT"`` and ``"statusMessage"`` (their own response shape).
* The token endpoint answers OAuth errors instead: ``{"error": "invalid_client", "error_description": ...}``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from typing import Any

from portal.cisco.errors import GENERIC_ERRORS, error_code, generic_error, generic_errors
from portal.cisco.simulator.content import ImageBytes

JSON_TYPE = "application/json;charset=UTF-8"


@dataclass(frozen=True)
class Request:
    """One HTTP request as the endpoints see it."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Message
    body: bytes
    base_url: str  # scheme://host[:port] the client should use for links and redirects
    peer: str = ""  # the client's IP address

    def header(self, name: str) -> str | None:
        """A request header (case-insensitive)."""
        return self.headers.get(name)

    def media_type(self) -> str:
        """The Content-Type without parameters, lower-cased."""
        return (self.header("Content-Type") or "").split(";", 1)[0].strip().lower()

    def json(self) -> dict[str, Any]:
        """The body as a JSON object: 415 for another media type, 400 for malformed JSON or a non-object."""
        if self.media_type() != "application/json":
            raise gateway_error(415, "INVALID_MEDIATYPE", detail="Content-Type must be application/json.")
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise gateway_error(400, "Bad Request", detail="The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise app_error("INVALID_INPUT", detail="The body must be a JSON object.")
        return data

    def self_link(self) -> str:
        """The absolute URL of this request's path (the responses' ``selfLink``)."""
        return self.base_url + self.path


@dataclass
class Response:
    """An answer: a small body in memory, or a byte range of an image streamed from ``content``."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    content: ImageBytes | None = None
    start: int = 0
    end: int = 0
    client_id: str | None = None  # for the request log
    payload: Any = None  # the decoded JSON body, for answers made by json_response

    @property
    def length(self) -> int:
        """The body length the Content-Length header announces."""
        return self.end - self.start if self.content is not None else len(self.body)


class ApiError(Exception):
    """An error answer, raised anywhere below the router and turned into a JSON response."""

    def __init__(self, status: int, body: dict[str, Any], headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(body.get("errorCode", status))
        self.status = status
        self.body = body
        self.headers = headers or []

    def response(self) -> Response:
        """The error as a response."""
        return json_response(self.status, self.body, self.headers)


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    """A JSON response (compact, UTF-8)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(status, [("Content-Type", JSON_TYPE), *(headers or [])], body, payload=payload)


def with_payload(response: Response, payload: Any) -> Response:
    """A JSON answer like ``response`` (status, headers, client) with another payload."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(response.status, response.headers, body, client_id=response.client_id, payload=payload)


def app_error(code: str, *, detail: str | None = None, **extra: Any) -> ApiError:
    """An application error from the spec's table (status and message as the table gives them)."""
    entry = error_code(code)
    if entry is None:  # pragma: no cover - only ever called with codes of the table
        raise ValueError(f"unknown application error code {code}")
    body: dict[str, Any] = {"errorCode": entry.code, "errorMessage": entry.message, "httpStatus": entry.http_status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return ApiError(entry.http_status, body)


def gateway_error(status: int, message: str | None = None, *, detail: str | None = None) -> ApiError:
    """A generic (gateway) error: the spec's generic table row with this status and message."""
    row = generic_error(status, message) if message else None
    if row is None and message:  # the table's message at another status (a modern gateway's 401 or 429)
        row = next((entry for entry in GENERIC_ERRORS if entry.message == message), None)
    if row is None:
        rows = generic_errors(status)
        row = rows[0] if rows and message is None else None
    if row is not None:
        message, description = row.message, row.description
    else:
        phrase = _phrase(status)
        message, description = message or phrase, phrase
    body: dict[str, Any] = {"errorCode": message, "errorMessage": description, "httpStatus": status}
    if detail:
        body["detail"] = detail
    return ApiError(status, body, [("X-Error-Detail-Header", message)])


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def reason_phrase(status: int) -> str:
    """The reason phrase of a status line (596 is the spec's "Service Not Found")."""
    if status == 596:
        return "Service Not Found"
    return _phrase(status)


def image_exception(code: str) -> dict[str, str]:
    """A per-image exception entry ``{"code", "message"}`` (message from the spec's table when it has the code)."""
    entry = error_code(code)
    return {"code": code, "message": entry.message if entry else "This image cannot be downloaded."}
