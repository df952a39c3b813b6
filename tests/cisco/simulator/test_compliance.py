"""K9 and EULA forms per client, their versions, and what downloads say about them."""

from __future__ import annotations

import pytest

from portal.cisco.errors import error_code
from tests.cisco.simulator.helpers import assert_error, download, offer

K9_OK = {"status": "Accepted", "confirm": "CONFIRM_CHECKED", "busFunction": "COMM_OR_CIVIL"}


def _codes(entry):
    return [exception["code"] for exception in entry["exception"]]


@pytest.mark.parametrize(
    "body",
    [
        K9_OK | {"status": "Maybe"},
        {k: v for k, v in K9_OK.items() if k != "status"},
        K9_OK | {"status": "Declined"},  # no declineComments
        K9_OK | {"confirm": "no"},
        K9_OK | {"busFunction": "HOBBY"},
        K9_OK | {"govMilCountries": "ELSEWHERE"},
        K9_OK | {"subAppVersion": "8"},
    ],
)
def test_invalid_k9_posts_answer_invalid_input_with_a_status_code(sample_simulator, body):
    response = sample_simulator.post("compliance/k9", body)
    error = assert_error(response, "INVALID_INPUT")
    assert error["statusCode"] == "INVALID_INPUT"
    assert sample_simulator.forms()["decisions"] == {}


def test_invalid_eula_posts(sample_simulator):
    assert_error(sample_simulator.post("compliance/eula", {"status": "Declined"}), "INVALID_INPUT")
    assert_error(sample_simulator.post("compliance/eula", {}), "INVALID_INPUT")
    assert_error(sample_simulator.post("compliance/eula", ["Accepted"]), "INVALID_INPUT")


def test_table_spelling_busfunction_and_lower_case_values(sample_simulator):
    body = {"status": "accepted", "confirm": "Confirm_Checked", "busfunction": "comm_or_civil"}
    assert sample_simulator.post("compliance/k9", body).status_code == 200
    decision = sample_simulator.forms()["decisions"]["depot-demo"]["k9"]
    assert (decision["status"], decision["sub_app_version"]) == ("Accepted", "9")


K9_DECLINED = K9_OK | {"status": "Declined", "declineComments": "not for us"}
EULA_DECLINED = {"status": "Declined", "declineComments": "not now"}


def test_forms_needed_before_urls_are_given(sample_simulator):
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    plain, crypto = answer["downloads"]
    assert (_codes(plain), plain["url"]) == (["EULA_FORM_AR"], "")
    assert (_codes(crypto), crypto["url"]) == (["K9_EULA_FORM_AR"], "")
    assert set(answer["acceptanceForm"]) == {"k9", "eula"}
    assert answer["acceptanceForm"]["k9"]["subAppVersion"] == "9"
    assert answer["acceptanceForm"]["eula"]["eulaContent"]["acceptButtonValue"] == "Accepted"

    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    plain, crypto = answer["downloads"]
    assert plain["url"] and _codes(plain) == []
    assert _codes(crypto) == ["K9_FORM_AR"] and crypto["url"] == ""
    assert set(answer["acceptanceForm"]) == {"k9"}

    sample_simulator.post("compliance/k9", K9_OK).raise_for_status()
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    assert all(entry["url"] and not entry["exception"] for entry in answer["downloads"])
    assert answer["acceptanceForm"] == {}


# Each form code of the spec's table, in its words: "_AR" = neither accepted nor rejected, "_ACC" = not accepted.
@pytest.mark.parametrize(
    ("k9", "eula", "image", "codes"),
    [
        (None, None, "sim-crypto-k9.bin", ["K9_EULA_FORM_AR"]),
        (None, {"status": "Accepted"}, "sim-crypto-k9.bin", ["K9_FORM_AR"]),
        (K9_OK, None, "sim-crypto-k9.bin", ["EULA_FORM_AR"]),
        (None, None, "sim-plain.bin", ["EULA_FORM_AR"]),
        (K9_DECLINED, {"status": "Accepted"}, "sim-crypto-k9.bin", ["K9_FORM_ACC"]),
        (K9_OK, EULA_DECLINED, "sim-crypto-k9.bin", ["EULA_FORM_ACC"]),
        (None, EULA_DECLINED, "sim-plain.bin", ["EULA_FORM_ACC"]),
        (K9_DECLINED, EULA_DECLINED, "sim-crypto-k9.bin", ["K9_FORM_ACC", "EULA_FORM_ACC"]),
        (None, EULA_DECLINED, "sim-crypto-k9.bin", ["K9_FORM_AR", "EULA_FORM_ACC"]),
    ],
)
def test_each_form_code_is_reachable(sample_simulator, k9, eula, image, codes):
    if k9 is not None:
        sample_simulator.post("compliance/k9", k9).raise_for_status()
    if eula is not None:
        sample_simulator.post("compliance/eula", eula).raise_for_status()
    entry = offer(sample_simulator, image)
    assert (_codes(entry), entry["url"]) == (codes, "")
    assert [e["message"] for e in entry["exception"]] == [error_code(code).message for code in codes]


def test_a_declined_k9_asks_for_the_form_again_on_crypto_images_only(sample_simulator):
    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    sample_simulator.post("compliance/k9", K9_DECLINED).raise_for_status()
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    plain, crypto = answer["downloads"]
    assert plain["url"]
    assert (_codes(crypto), crypto["url"]) == (["K9_FORM_ACC"], "")
    assert set(answer["acceptanceForm"]) == {"k9"}


def test_government_entity_outside_the_listed_countries_is_rejected(sample_simulator):
    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    body = K9_OK | {"busFunction": "GOV_OR_MIL", "govMilCountries": "GOV_OR_MIL_COUNTRIES_NO"}
    assert sample_simulator.post("compliance/k9", body).json()["statusCode"] == "0"
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    plain, crypto = answer["downloads"]
    assert plain["url"] and (_codes(crypto), crypto["url"]) == (["K9_REJECTED"], "")
    assert answer["acceptanceForm"] == {}  # no form to accept changes a refusal
    sample_simulator.post("compliance/k9", body | {"govMilCountries": "GOV_OR_MIL_COUNTRIES_YES"}).raise_for_status()
    assert offer(sample_simulator, "sim-crypto-k9.bin")["url"]


def test_a_new_form_version_makes_earlier_answers_stale(sample_simulator):
    sample_simulator.accept_forms()
    assert offer(sample_simulator, "sim-crypto-k9.bin")["url"]
    sample_simulator.forms(k9="10")
    assert sample_simulator.get("compliance/k9").json()["subAppVersion"] == "10"
    assert _codes(offer(sample_simulator, "sim-crypto-k9.bin")) == ["K9_FORM_AR"]  # not answered for version 10
    assert offer(sample_simulator, "sim-plain.bin")["url"]  # the EULA acceptance still holds
    sample_simulator.forms(eula="20")
    assert sample_simulator.get("compliance/eula").json()["subAppVersion"] == "20"
    assert _codes(offer(sample_simulator, "sim-plain.bin")) == ["EULA_FORM_AR"]
    sample_simulator.reset()
    assert sample_simulator.forms()["k9"] == "9"


def test_decisions_are_per_client(sample_simulator):
    sample_simulator.accept_forms()
    sample_simulator.session.post(
        f"{sample_simulator.url}/_sim/clients", json={"client_id": "lab", "client_secret": "lab-secret"}, timeout=5
    ).raise_for_status()
    sample_simulator.client_id, sample_simulator.client_secret = "lab", "lab-secret"
    sample_simulator.token()
    assert sample_simulator.get("compliance/k9").json()["userDetails"]["userId"] == "lab"
    assert _codes(offer(sample_simulator, "sim-plain.bin")) == ["EULA_FORM_AR"]
