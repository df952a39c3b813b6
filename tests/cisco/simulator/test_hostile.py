"""Hostile text on request: exception, error and form texts carry NUL, control characters and markup."""

from __future__ import annotations

import pytest

from portal.cisco.errors import error_code
from portal.cisco.simulator.forms import EULA_CONTENT, K9_CONTENT
from portal.cisco.simulator.hostile import DEFAULT_TEXT
from tests.cisco.simulator.helpers import download

TEXT_KEYS = [k for k in K9_CONTENT if k == "k9Form" or k.endswith(("Label", "Text"))]
VALUE_KEYS = [k for k in K9_CONTENT if k.endswith("Value")]


def test_the_default_text_holds_nul_controls_and_markup():
    assert "\x00" in DEFAULT_TEXT and "\x1b" in DEFAULT_TEXT and "\x7f" in DEFAULT_TEXT
    assert "<script>" in DEFAULT_TEXT and "javascript:" in DEFAULT_TEXT and "onerror=" in DEFAULT_TEXT


def test_download_exceptions_and_forms_carry_the_text_but_codes_and_values_do_not(sample_simulator):
    assert sample_simulator.hostile()["on"] is True
    answer = download(sample_simulator, "sim-crypto-k9.bin", "sim-contract.bin")
    exceptions = {e["code"]: e["message"] for d in answer["downloads"] for e in d["exception"]}
    assert set(exceptions) == {"K9_EULA_FORM_AR", "CONTRACT_IMG_REQ"}
    for code, message in exceptions.items():
        assert message == error_code(code).message + DEFAULT_TEXT
    k9 = answer["acceptanceForm"]["k9"]["k9Content"]
    assert all(k9[key] == K9_CONTENT[key] + DEFAULT_TEXT for key in TEXT_KEYS)
    assert all(k9[key] == K9_CONTENT[key] for key in VALUE_KEYS)
    eula = answer["acceptanceForm"]["eula"]["eulaContent"]
    assert eula["content"] == EULA_CONTENT["content"] + DEFAULT_TEXT
    assert eula["acceptButtonValue"] == "Accepted"


def test_forms_of_the_compliance_endpoints_carry_the_text(sample_simulator):
    sample_simulator.hostile(exceptions=False, errors=False)
    k9 = sample_simulator.get("compliance/k9").json()
    assert k9["k9Content"]["k9Form"].endswith(DEFAULT_TEXT)
    eula = sample_simulator.get("compliance/eula").json()
    assert eula["eulaContent"]["label"].endswith(DEFAULT_TEXT)
    # The values a client posts back are untouched, so accepting still works.
    sample_simulator.accept_forms()


def test_error_messages_carry_the_text(sample_simulator):
    sample_simulator.hostile(text="\x00<b>x</b>")
    response = sample_simulator.post(
        "metadata/pidrelease", {"currentReleaseVersion": "1", "outputReleaseVersion": "latest"}
    )
    body = response.json()
    assert response.status_code == 400 and body["errorCode"] == "PID_MISSING"
    assert body["errorMessage"] == error_code("PID_MISSING").message + "\x00<b>x</b>"


def test_metadata_exceptions_carry_the_text_and_codes_when_asked(sample_simulator):
    sample_simulator.hostile(codes=True, text="\x07<i>")
    body = sample_simulator.post("metadata/images", {"imageNames": ["testfile1.exe"]}).json()
    (exception,) = body["metadata"][0]["exception"]
    assert exception["code"] == "IAC_ERROR\x07<i>"
    assert exception["message"].endswith("\x07<i>")


def test_off_by_delete_and_by_reset(sample_simulator):
    sample_simulator.hostile()
    sample_simulator.hostile_off()
    assert "\x00" not in sample_simulator.get("compliance/k9").text
    sample_simulator.hostile()
    sample_simulator.reset()
    assert sample_simulator.session.get(f"{sample_simulator.url}/_sim/hostile", timeout=5).json() == {"on": False}
    assert sample_simulator.get("compliance/k9").json()["k9Content"] == K9_CONTENT


@pytest.mark.parametrize("body", [{"text": ""}, {"text": 3}, {"forms": "yes"}, {"codes": 1}])
def test_bad_settings_are_refused(sample_simulator, body):
    response = sample_simulator.session.post(f"{sample_simulator.url}/_sim/hostile", json=body, timeout=5)
    assert response.status_code == 400 and response.json()["errorCode"] == "INVALID_INPUT"
