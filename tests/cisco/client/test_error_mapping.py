"""Every code of the spec's tables maps to one typed exception or image outcome; error bodies are read."""

from __future__ import annotations

import pickle

import pytest

from portal.cisco import errors
from portal.cisco.errors import ErrorKind, ImageOutcome
from portal.cisco.exceptions import (
    AccessDenied,
    AsdError,
    AuthenticationFailed,
    InvalidRequest,
    NoDataFound,
    QuotaExhausted,
    RateLimited,
    TransactionExpired,
    UpstreamError,
    upstream_error,
)
from portal.cisco.parse import image_exceptions
from portal.cisco.transport import read_error

REQUEST_CODES = [e for e in errors.ERROR_CODES.values() if e.kind is ErrorKind.REQUEST]
IMAGE_CODES = [e for e in errors.ERROR_CODES.values() if e.kind is ErrorKind.IMAGE]


@pytest.mark.parametrize("entry", REQUEST_CODES, ids=lambda e: e.code)
def test_every_request_code_becomes_a_typed_upstream_error(entry):
    exc = upstream_error(entry.code, entry.message, entry.http_status)
    assert isinstance(exc, UpstreamError)
    assert (exc.code, exc.http_status, exc.message) == (entry.code, entry.http_status, entry.message)
    expected = {
        "NO_DATA_FOUND": NoDataFound,
        "NO_DATA_FOUND_FOR_PID": NoDataFound,
        "MTRANSID_EXPIRED": TransactionExpired,
        "INVALID_MTRANSID": TransactionExpired,
        "PROD_REG_NA": AccessDenied,
        "PROD_REG_AV": AccessDenied,
        "DNAC_REG_REQ": AccessDenied,
        "SW_NO_LONGER_AVL": AccessDenied,
        "SER_UNEXPECT_FAIL": UpstreamError,
    }.get(entry.code, InvalidRequest)
    assert type(exc) is expected


@pytest.mark.parametrize("entry", IMAGE_CODES, ids=lambda e: e.code)
def test_every_image_code_maps_to_its_outcome(entry):
    [exc] = image_exceptions([{"code": entry.code, "message": entry.message}])
    assert exc.outcome is errors.image_outcome(entry.code)
    assert exc.message == entry.message


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("K9_FORM_ACC", ImageOutcome.NEEDS_K9),
        ("EULA_FORM_ACC", ImageOutcome.NEEDS_EULA),
        ("K9_EULA_FORM_AR", ImageOutcome.NEEDS_K9_AND_EULA),
        ("SW_ADV_IMAGE", ImageOutcome.WARNING),
        ("DEF_ADV_IMAGE", ImageOutcome.WARNING),
        ("CONTRACT_IMG_REQ", ImageOutcome.BLOCKED),
        ("LOGIN_REQD", ImageOutcome.BLOCKED),
        ("IP_CHECK_FAIL", ImageOutcome.BLOCKED),
        ("K9_REJECTED", ImageOutcome.K9_REFUSED),
        ("SW_NO_LONGER_AVL", ImageOutcome.BLOCKED),
        ("NEVER_SEEN_BEFORE", ImageOutcome.BLOCKED),
    ],
)
def test_outcomes_named_by_the_issue(code, outcome):
    assert image_exceptions({"code": code, "message": "m"})[0].outcome is outcome


@pytest.mark.parametrize(
    ("message", "cls"),
    [
        (errors.NOT_AUTHORIZED, AuthenticationFailed),
        (errors.FORBIDDEN, AccessDenied),
        (errors.ACCOUNT_INACTIVE, AccessDenied),
        (errors.QPS_LIMIT_MESSAGE, RateLimited),
        (errors.RATE_LIMIT_EXCEEDED_MESSAGE, RateLimited),
        (errors.RATE_LIMIT_MESSAGE, QuotaExhausted),
    ],
)
def test_generic_403s_are_told_apart_by_message(message, cls):
    assert type(upstream_error(message, "d", 403)) is cls


def test_simulator_and_gateway_error_shapes_are_read():
    body = b'{"errorCode": "PID_MISSING", "errorMessage": "pid is missing", "httpStatus": 400}'
    assert read_error(400, body, {}) == ("PID_MISSING", "pid is missing")
    body = b'{"errorCode": "Account Over Queries Per Second Limit", "errorMessage": "too many"}'
    assert read_error(403, body, {})[0] == errors.QPS_LIMIT_MESSAGE
    page = b"<html><h1>Account Over Rate Limit</h1></html>"
    assert read_error(403, page, {})[0] == errors.RATE_LIMIT_MESSAGE
    assert read_error(403, b"", {"X-Mashery-Error-Code": "ERR_403_DEVELOPER_OVER_QPS"})[0] == errors.QPS_LIMIT_MESSAGE
    assert read_error(403, b"", {"X-Error-Detail-Header": "Not Authorized"})[0] == errors.NOT_AUTHORIZED
    nested = b'{"error": {"code": "MTRANSID_EXPIRED", "message": "expired"}}'
    assert read_error(400, nested, {}) == ("MTRANSID_EXPIRED", "expired")
    listed = b'{"exception": [{"code": "NO_DATA_FOUND", "message": "none"}]}'
    assert read_error(404, listed, {}) == ("NO_DATA_FOUND", "none")
    assert read_error(502, b"garbage \xff", {}, "Bad Gateway")[0] == "Bad Gateway"
    assert read_error(418, b"", {}, "I'm a teapot") == ("I'm a teapot", "")


def test_exceptions_survive_pickling_with_their_fields():
    exc = upstream_error("PID_INVALID", "bad pid", 400, url="https://h/p?x=***")
    copy = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own object
    assert type(copy) is InvalidRequest
    assert (copy.code, copy.http_status, copy.message, copy.url) == ("PID_INVALID", 400, "bad pid", exc.url)
    assert str(copy) == str(exc) and isinstance(copy, AsdError)
