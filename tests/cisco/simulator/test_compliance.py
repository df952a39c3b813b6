"""K9 and EULA forms per client, their versions, and what downloads say about them."""

from __future__ import annotations

import pytest

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


def test_forms_needed_before_urls_are_given(sample_simulator):
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    plain, crypto = answer["downloads"]
    assert (_codes(plain), plain["url"]) == (["EULA_FORM_ACC"], "")
    assert (_codes(crypto), crypto["url"]) == (["K9_EULA_FORM_AR"], "")
    assert set(answer["acceptanceForm"]) == {"k9", "eula"}
    assert answer["acceptanceForm"]["k9"]["subAppVersion"] == "9"
    assert answer["acceptanceForm"]["eula"]["eulaContent"]["acceptButtonValue"] == "Accepted"

    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    plain, crypto = answer["downloads"]
    assert plain["url"] and _codes(plain) == []
    assert _codes(crypto) == ["K9_FORM_ACC"] and crypto["url"] == ""
    assert set(answer["acceptanceForm"]) == {"k9"}

    sample_simulator.post("compliance/k9", K9_OK).raise_for_status()
    answer = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")
    assert all(entry["url"] and not entry["exception"] for entry in answer["downloads"])
    assert answer["acceptanceForm"] == {}


def test_declined_k9_gives_k9_rejected_on_crypto_images_only(sample_simulator):
    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    declined = {"status": "Declined", "declineComments": "not for us", "confirm": "CONFIRM_CHECKED"}
    sample_simulator.post("compliance/k9", declined | {"busFunction": "COMM_OR_CIVIL"}).raise_for_status()
    plain, crypto = download(sample_simulator, "sim-plain.bin", "sim-crypto-k9.bin")["downloads"]
    assert plain["url"]
    assert (_codes(crypto), crypto["url"]) == (["K9_REJECTED"], "")


def test_government_entity_outside_the_listed_countries_is_rejected(sample_simulator):
    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    body = K9_OK | {"busFunction": "GOV_OR_MIL", "govMilCountries": "GOV_OR_MIL_COUNTRIES_NO"}
    assert sample_simulator.post("compliance/k9", body).json()["statusCode"] == "0"
    assert _codes(offer(sample_simulator, "sim-crypto-k9.bin")) == ["K9_REJECTED"]
    sample_simulator.post("compliance/k9", body | {"govMilCountries": "GOV_OR_MIL_COUNTRIES_YES"}).raise_for_status()
    assert offer(sample_simulator, "sim-crypto-k9.bin")["url"]


def test_a_new_form_version_makes_earlier_acceptances_stale(sample_simulator):
    sample_simulator.accept_forms()
    assert offer(sample_simulator, "sim-crypto-k9.bin")["url"]
    sample_simulator.forms(k9="10")
    assert sample_simulator.get("compliance/k9").json()["subAppVersion"] == "10"
    entry = offer(sample_simulator, "sim-crypto-k9.bin")
    assert _codes(entry) == ["K9_FORM_ACC"]
    assert offer(sample_simulator, "sim-plain.bin")["url"]  # the EULA acceptance still holds
    sample_simulator.forms(eula="20")
    assert sample_simulator.get("compliance/eula").json()["subAppVersion"] == "20"
    assert _codes(offer(sample_simulator, "sim-plain.bin")) == ["EULA_FORM_ACC"]
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
    assert _codes(offer(sample_simulator, "sim-plain.bin")) == ["EULA_FORM_ACC"]
