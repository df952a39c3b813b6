"""--strict: spellings, types and values the spec does not give are INVALID_INPUT; the default accepts them."""

from __future__ import annotations

import pytest

from tests.cisco.simulator.helpers import assert_error, images_of, sample
from tests.fixtures.simulator import FAST_QPS, SAMPLE_CATALOG, VARIANTS

RELEASE = {"pid": "SIM-BIG-1", "currentReleaseVersion": "17.6.4", "outputReleaseVersion": "above"}
IMAGES = {"pid": "SIM-DL-1", "imageNames": ["sim-plain.bin"]}
K9 = {"status": "Accepted", "confirm": "CONFIRM_CHECKED", "busFunction": "COMM_OR_CIVIL"}


@pytest.fixture
def strict(simulator_factory):
    sim = simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, *VARIANTS["strict"])
    sim.reset()
    yield sim
    sim.reset()


LOOSE = [
    ("metadata/pidrelease", {"PID": "SIM-BIG-1", **{k: v for k, v in RELEASE.items() if k != "pid"}}, "spells it pid"),
    ("metadata/pidrelease", RELEASE | {"perpage": 1}, "spells it perPage"),
    ("metadata/pidrelease", RELEASE | {"OutputReleaseVersion": "above"}, "outputReleaseVersion"),
    ("metadata/pidrelease", RELEASE | {"currentReleaseVersion": "banana"}, "not a release version"),
    ("metadata/pidrelease", RELEASE | {"outputReleaseVersion": "ABOVE"}, "latest, Latest, above, Above"),
    ("metadata/pidrelease", RELEASE | {"pageIndex": "one"}, "whole number"),
    ("metadata/pidrelease", RELEASE | {"pid": ["SIM-BIG-1"]}, "pid must be a string"),
    ("metadata/pidrelease", RELEASE | {"colour": "blue"}, "colour is not a field"),
    ("metadata/pidimage", IMAGES | {"imageNames": "sim-plain.bin"}, "JSON array"),
    ("metadata/images", {"imageNames": "sim-plain.bin,sim-cloud.bin"}, "JSON array"),
    ("metadata/images", {"imagenames": ["sim-plain.bin"]}, "spells it imageNames"),
]


@pytest.mark.parametrize(("endpoint", "body", "detail"), LOOSE)
def test_loose_requests_are_invalid_input_when_strict(strict, endpoint, body, detail):
    error = assert_error(strict.post(endpoint, body), "INVALID_INPUT")
    assert detail in error["detail"]


@pytest.mark.parametrize(("endpoint", "body", "detail"), [case for case in LOOSE if case[2] != "whole number"])
def test_the_default_answers_the_same_requests(sample_simulator, endpoint, body, detail):
    response = sample_simulator.post(endpoint, body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (K9 | {"busFunction": "GOV_OR_MIL", "govMilCountries": "GOV_OR_MIL_COUNTRIES_YES"}, "COMM_OR_CIVIL"),
        (K9 | {"busfunction": "COMM_OR_CIVIL"} | {"busFunction": None}, "spells it busFunction"),
        (K9 | {"status": "accepted"}, "Accepted or Declined"),
        (K9 | {"confirm": "Confirm_Checked"}, "CONFIRM_CHECKED"),
        (K9 | {"govMilCountries": "ELSEWHERE"}, "govMilCountries"),
        (K9 | {"fileNames": "a.bin,b.bin"}, "one file name"),
        (K9 | {"subAppVersion": "9"}, "subAppVersion is not a field"),
    ],
)
def test_loose_k9_answers_are_refused_when_strict(strict, body, detail):
    error = assert_error(strict.post("compliance/k9", body), "INVALID_INPUT")
    assert error["statusCode"] == "INVALID_INPUT" and detail in error["detail"]
    assert strict.forms()["decisions"] == {}


def test_the_spec_sample_requests_pass_strict(strict):
    for name in ("pidrelease", "pidimage", "images"):
        response = strict.post(f"metadata/{name}", sample(f"{name}_req"))
        assert response.status_code == 200, (name, response.text)
    assert strict.post("compliance/k9", sample("k9_post_req")).json()["statusCode"] == "0"
    assert strict.post("compliance/eula", sample("eula_post_req")).json()["statusCode"] == "0"


def test_a_transaction_id_of_another_pid_is_refused_when_strict(strict, sample_simulator):
    for sim, refused in ((strict, True), (sample_simulator, False)):
        sim.accept_forms()
        meta = sim.post("metadata/pidrelease", {**RELEASE, "pid": "SIM-BIG-1"}).json()
        guid = images_of(meta)[0]["imageGuid"]
        # SIM-BIG-2 shares SIM-BIG-1's software type set, so the GUID is one of its images too.
        body = {
            "pid": "SIM-BIG-2",
            "mdfId": "999000011",
            "metadataTransId": meta["metadataTransId"],
            "imageGuids": [guid],
        }
        response = sim.post("download/pidimage", body)
        if refused:
            assert "SIM-BIG-1" in assert_error(response, "INVALID_MTRANSID")["detail"]
        else:
            assert response.status_code == 200
