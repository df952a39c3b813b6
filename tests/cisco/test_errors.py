"""The ASD error-code tables and per-image outcomes (portal/cisco/errors.py)."""

import dataclasses
import json
import re
from collections.abc import Iterator

import pytest

from portal.cisco import errors
from portal.cisco.errors import (
    ERROR_CODES,
    GENERIC_ERRORS,
    IMAGE_OUTCOMES,
    QPS_LIMIT_MESSAGE,
    RATE_LIMIT_MESSAGE,
    ErrorCode,
    ErrorKind,
    ImageOutcome,
    combined_outcome,
    error_code,
    generic_error,
    generic_errors,
    image_outcome,
)
from tests.spec import SAMPLES_DIR, SPEC_TEXT

SPEC = SPEC_TEXT

# What each per-image code should mean, written out again here so a change in the module shows up as a diff.
EXPECTED_OUTCOMES = {
    "K9_FORM_ACC": ImageOutcome.NEEDS_K9,
    "K9_FORM_AR": ImageOutcome.NEEDS_K9,
    "K9_IMG_DWLD": ImageOutcome.NEEDS_K9,
    "EULA_FORM_ACC": ImageOutcome.NEEDS_EULA,
    "EULA_FORM_AR": ImageOutcome.NEEDS_EULA,
    "K9_EULA_FORM_AR": ImageOutcome.NEEDS_K9_AND_EULA,
    "SW_ADV_IMAGE": ImageOutcome.WARNING,
    "DEF_ADV_IMAGE": ImageOutcome.WARNING,
    "DWLD_WARN": ImageOutcome.WARNING,
    "DWLD_WARN1": ImageOutcome.WARNING,
    "DWLD_WARN2": ImageOutcome.WARNING,
    "IMG_K9": ImageOutcome.BLOCKED,
    "K9_REJECTED": ImageOutcome.K9_REFUSED,
    "IMG_CONTRACT_REQD": ImageOutcome.BLOCKED,
    "CONTRACT_NOT_AUTH": ImageOutcome.BLOCKED,
    "CONTRACT_LOGIN": ImageOutcome.BLOCKED,
    "CONTRACT_ACCESS": ImageOutcome.BLOCKED,
    "CONTRACT_IMG_REQ": ImageOutcome.BLOCKED,
    "CONTRACT_IMG_DWLD": ImageOutcome.BLOCKED,
    "CONTRACT_REQ_DWLD": ImageOutcome.BLOCKED,
    "CONTRACT_REQD_DWLD": ImageOutcome.BLOCKED,
    "CONTRACT_REJECTED": ImageOutcome.BLOCKED,
    "LOGIN_IMG_DWLD": ImageOutcome.BLOCKED,
    "LOGIN_CONTRACT_REQ": ImageOutcome.BLOCKED,
    "LOGIN_REQD": ImageOutcome.BLOCKED,
    "IP_CHECK_FAIL": ImageOutcome.BLOCKED,
    "C3_USERID_NMAP": ImageOutcome.BLOCKED,
    "CPR_ADDRESS_EXCEPTION_MSG": ImageOutcome.BLOCKED,
    "IAC_ERROR": ImageOutcome.BLOCKED,
    "SW_NO_LONGER_AVL": ImageOutcome.BLOCKED,
    "PROD_REG_NA": ImageOutcome.BLOCKED,
    "PROD_REG_AV": ImageOutcome.BLOCKED,
    "DNAC_REG_REQ": ImageOutcome.BLOCKED,
}


@pytest.mark.parametrize(
    ("code", "status", "message_start"),
    [
        ("PID_MISSING", 400, "pid is missing in the request. Please provide a valid pid in the request."),
        ("NO_DATA_FOUND", 404, "No Data Found."),
        ("MTRANSID_EXPIRED", 400, "metadata_trans_id had been previously granted that has expired"),
        ("SW_NO_LONGER_AVL", 401, "Software for this product is no longer available."),
        ("SER_UNEXPECT_FAIL", 500, "Service has encountered an unexpected failure.Please contact"),
        ("IMAGE_LIMIT_EXCEEDED", 400, "The number of image names entered in the request has exceeded the limit."),
        ("INVALID_OUTPUT_RELEASE", 401, "Release Version value cannot be empty."),
        ("IMG_CONTRACT_REQD", 200, "This image is contract registered."),
        ("IMG_NM_MISSING", 400, "imageNames is missing in the request. Please provide atleast one valid imageNames."),
        ("IP_CHECK_FAIL", 200, "We are sorry, but analysis of your your internet protocol (IP) address"),
        ("CPR_ADDRESS_EXCEPTION_MSG", 200, "Thank you for registering with Cisco.com."),
        ("Maximum_pid_names", 400, "5"),
    ],
)
def test_sample_codes_have_the_spec_status_and_message(code: str, status: int, message_start: str) -> None:
    entry = error_code(code)
    assert entry is not None
    assert entry.code == code
    assert entry.http_status == status
    assert entry.message.startswith(message_start)
    assert entry.kind == (ErrorKind.IMAGE if status == 200 else ErrorKind.REQUEST)


def test_multi_line_and_full_messages_are_verbatim() -> None:
    assert error_code("CONTRACT_IMG_DWLD") == ErrorCode(
        "CONTRACT_IMG_DWLD",
        200,
        "A valid Cisco service contract is required to download software.\n"
        "You can add the service contracts to your profile using the Profile Manager, or have your service access "
        "administrator do this for you.",
        ErrorKind.IMAGE,
    )
    k9 = error_code("K9_REJECTED")
    assert k9 is not None
    assert "  " not in k9.message
    assert k9.message.endswith("email tradeopscpr@cisco.com.")
    assert "conditions:You stated" in k9.message  # the spec's missing space is kept


def test_unknown_and_differently_cased_codes_are_not_found() -> None:
    assert error_code("NOT_A_CODE") is None
    assert error_code("pid_missing") is None
    assert error_code("") is None


def test_table_size_and_kinds() -> None:
    # 64 distinct tokens in the spec's table (SER_UNEXPECT_FAIL is listed twice) plus IAC_ERROR from the samples.
    assert len(ERROR_CODES) == 65
    assert errors.SAMPLE_ONLY_CODES <= ERROR_CODES.keys()
    image_codes = {code for code, entry in ERROR_CODES.items() if entry.kind is ErrorKind.IMAGE}
    assert len(image_codes) == 29  # 28 status-200 rows in the spec, plus IAC_ERROR
    assert all(ERROR_CODES[code].http_status == 200 for code in image_codes)


def test_error_code_is_frozen() -> None:
    entry = error_code("PID_MISSING")
    assert entry is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.http_status = 200  # type: ignore[misc]


# --- outcomes -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "outcome"), sorted(EXPECTED_OUTCOMES.items()))
def test_image_outcome(code: str, outcome: ImageOutcome) -> None:
    assert image_outcome(code) is outcome


def test_every_per_image_code_has_an_explicit_outcome() -> None:
    image_codes = {code for code, entry in ERROR_CODES.items() if entry.kind is ErrorKind.IMAGE}
    assert image_codes <= IMAGE_OUTCOMES.keys()
    assert IMAGE_OUTCOMES.keys() <= ERROR_CODES.keys()  # no outcome for a code the table does not know
    assert IMAGE_OUTCOMES == EXPECTED_OUTCOMES


def test_every_code_maps_to_exactly_one_outcome() -> None:
    for code in ERROR_CODES:
        outcome = image_outcome(code)
        assert isinstance(outcome, ImageOutcome)
        assert [o for o in ImageOutcome if o is outcome] == [outcome]
    # Request-level codes that are not image fates fail closed.
    assert image_outcome("PID_MISSING") is ImageOutcome.BLOCKED


@pytest.mark.parametrize("code", ["", "SOMETHING_NEW", "k9_form_ar", "SW_ADV_IMAGE "])
def test_unknown_codes_are_blocked(code: str) -> None:
    assert image_outcome(code) is ImageOutcome.BLOCKED


@pytest.mark.parametrize(
    ("codes", "outcome"),
    [
        ([], None),
        (["SW_ADV_IMAGE"], ImageOutcome.WARNING),
        (["SW_ADV_IMAGE", "DEF_ADV_IMAGE"], ImageOutcome.WARNING),
        (["K9_FORM_AR"], ImageOutcome.NEEDS_K9),
        (["K9_FORM_AR", "SW_ADV_IMAGE"], ImageOutcome.NEEDS_K9),
        (["EULA_FORM_ACC", "DWLD_WARN"], ImageOutcome.NEEDS_EULA),
        (["K9_FORM_AR", "EULA_FORM_AR"], ImageOutcome.NEEDS_K9_AND_EULA),
        (["K9_EULA_FORM_AR", "K9_FORM_ACC"], ImageOutcome.NEEDS_K9_AND_EULA),
        (["K9_EULA_FORM_AR", "LOGIN_REQD"], ImageOutcome.BLOCKED),
        (["SW_ADV_IMAGE", "UNHEARD_OF"], ImageOutcome.BLOCKED),
        (["K9_REJECTED", "EULA_FORM_ACC"], ImageOutcome.K9_REFUSED),
        (["K9_REJECTED", "CONTRACT_REJECTED"], ImageOutcome.BLOCKED),
    ],
)
def test_combined_outcome(codes: list[str], outcome: ImageOutcome | None) -> None:
    assert combined_outcome(codes) is outcome
    assert combined_outcome(iter(codes)) is outcome


# --- generic HTTP table ---------------------------------------------------------------------------------------------


def test_generic_table_has_every_row_with_its_status() -> None:
    assert len(GENERIC_ERRORS) == 24
    assert [e.message for e in generic_errors(403)] == [
        "Not Authorized",
        "Forbidden",
        "Not Authorized",
        "Account Inactive",
        "Account Over Queries Per Second Limit",
        "Account Over Rate Limit",
        "Rate Limit Exceeded",
        "Unknown Referrer",
        "Service requires SSL",
    ]
    assert [e.message for e in generic_errors(404)] == ["API_UNAVAILABLE"]
    assert [e.message for e in generic_errors(415)] == ["INVALID_MEDIATYPE"]
    assert len(generic_errors(500)) == 6
    assert [e.message for e in generic_errors(596)] == ["Service Not Found"]
    assert generic_errors(418) == ()


def test_generic_constants_and_lookup() -> None:
    assert QPS_LIMIT_MESSAGE == "Account Over Queries Per Second Limit"
    assert RATE_LIMIT_MESSAGE == "Account Over Rate Limit"
    assert errors.NOT_AUTHORIZED == "Not Authorized"
    qps = generic_error(403, QPS_LIMIT_MESSAGE)
    assert qps is not None
    assert qps.description == "The API key you are using has attempted to access the API too many times in one second."
    not_authorized = generic_error(403, errors.NOT_AUTHORIZED)
    assert not_authorized is not None
    assert not_authorized.description == "Token is invalid."  # the first of the two rows
    assert generic_error(404, QPS_LIMIT_MESSAGE) is None


# --- against the spec's own text (a copy in tests/data/spec/) ---------------


def _spec_section(start: str, end: str) -> list[str]:
    text = SPEC.read_text(encoding="utf-8")
    return text[text.index(start) : text.index(end)].splitlines()[3:]


def test_application_table_matches_the_spec_text() -> None:
    rows: list[list] = []
    for line in _spec_section("Application specific error codes:", "Technical Support"):
        match = re.match(r"(\d{3}) (\S+) (.*)$", line)
        if match:
            rows.append([int(match[1]), match[2], match[3]])
        elif line.strip():
            rows[-1][2] += "\n" + line
    assert len(rows) == 65
    for status, code, message in rows:
        assert error_code(code) == ErrorCode(
            code, status, message, ErrorKind.IMAGE if status == 200 else ErrorKind.REQUEST
        )
    assert {code for _, code, _ in rows} == ERROR_CODES.keys() - errors.SAMPLE_ONLY_CODES


def test_generic_table_matches_the_spec_text() -> None:
    lines = [line for line in _spec_section("Generic HTTP Status codes:", "Application specific") if line.strip()]
    assert lines[-1] == f"Note: {errors.GENERIC_TABLE_NOTE}"
    assert lines[:-1] == [f"{e.http_status} {e.message} {e.description}" for e in GENERIC_ERRORS]


def _exceptions(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        yield from node.get("exception", [])
        for value in node.values():
            yield from _exceptions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _exceptions(value)


def test_sample_only_code_matches_the_spec_samples() -> None:
    sample = SAMPLES_DIR / "pidrelease_resp.json"
    exceptions = list(_exceptions(json.loads(sample.read_text(encoding="utf-8"))))
    assert exceptions
    for item in exceptions:
        assert item["code"] in errors.SAMPLE_ONLY_CODES
        assert error_code(item["code"]) == ErrorCode(item["code"], 200, item["message"], ErrorKind.IMAGE)
