"""Bad input gets exactly the spec's application error code, HTTP status and message."""

from __future__ import annotations

import pytest

from tests.cisco.simulator.helpers import DL_MDF, DL_PID, assert_error, dl_metadata, images_of

REL = {"pid": "SIM-BIG-1", "currentReleaseVersion": "17.3.1", "outputReleaseVersion": "latest"}
IMG = {"pid": "SIM-BIG-1", "imageNames": ["sim9k_iosxe.17.6.1.SPA.bin"]}
SIX = [f"n{i}.bin" for i in range(6)]

CASES = [
    ("metadata/pidrelease", {k: v for k, v in REL.items() if k != "pid"}, "PID_MISSING"),
    ("metadata/pidrelease", REL | {"pid": "  "}, "PID_MISSING"),
    ("metadata/pidrelease", REL | {"pid": "BAD PID WITH SPACES"}, "PID_INVALID"),
    ("metadata/pidrelease", REL | {"pid": "x" * 300}, "PID_INVALID"),
    ("metadata/pidrelease", REL | {"pid": ["SIM-BIG-1", "SIM-BIG-2"]}, "PID_LIMIT_EXCEEDED"),
    ("metadata/pidrelease", REL | {"pid": "SIM-BIG-1,SIM-BIG-2"}, "PID_LIMIT_EXCEEDED"),
    ("metadata/pidrelease", REL | {"pid": "WS-NO-SUCH-PID"}, "NO_DATA_FOUND_FOR_PID"),
    ("metadata/pidrelease", {k: v for k, v in REL.items() if k != "currentReleaseVersion"}, "CUR_REL_MISSING"),
    ("metadata/pidrelease", {k: v for k, v in REL.items() if k != "outputReleaseVersion"}, "OUT_REL_MISSING"),
    ("metadata/pidrelease", REL | {"outputReleaseVersion": ""}, "OUT_REL_MISSING"),
    ("metadata/pidrelease", REL | {"outputReleaseVersion": "newest"}, "OUTPUT_REL_INVALID"),
    ("metadata/pidrelease", REL | {"outputReleaseVersion": "17.99.1"}, "NO_DATA_FOUND"),
    (
        "metadata/pidrelease",
        REL | {"currentReleaseVersion": "17.9.4a", "outputReleaseVersion": "above"},
        "NO_DATA_FOUND",
    ),
    ("metadata/pidrelease", REL | {"currentReleaseVersion": {"v": 1}}, "INVALID_INPUT"),
    ("metadata/pidimage", {"pid": "SIM-BIG-1"}, "IMG_NM_MISSING"),
    ("metadata/pidimage", IMG | {"imageNames": []}, "IMG_NM_MISSING"),
    ("metadata/pidimage", IMG | {"imageNames": SIX}, "IMAGE_LIMIT_EXCEEDED"),
    ("metadata/pidimage", IMG | {"imageNames": [1, 2]}, "IMG_NM_INVALID"),
    ("metadata/pidimage", IMG | {"imageNames": ["a.bin", ""]}, "IMG_NM_INVALID"),
    ("metadata/pidimage", {"imageNames": IMG["imageNames"]}, "PID_MISSING"),
    ("metadata/pidimage", IMG | {"pid": "WS-NO-SUCH-PID"}, "NO_DATA_FOUND_FOR_PID"),
    ("metadata/images", {}, "IMG_NM_MISSING"),
    ("metadata/images", {"imageNames": SIX}, "IMAGE_LIMIT_EXCEEDED"),
    ("metadata/images", {"imageNames": {"a": 1}}, "IMG_NM_INVALID"),
]


@pytest.mark.parametrize(("path", "body", "code"), CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_metadata_errors(sample_simulator, path, body, code):
    assert_error(sample_simulator.post(path, body), code)


@pytest.fixture
def live(sample_simulator):
    """A valid download/pidimage request for sim-plain.bin and the simulator it is for."""
    meta = dl_metadata(sample_simulator)
    guid = next(image["imageGuid"] for image in images_of(meta) if image["name"] == "sim-plain.bin")
    body = {"pid": DL_PID, "mdfId": DL_MDF, "metadataTransId": meta["metadataTransId"], "imageGuids": [guid]}
    return sample_simulator, body


def _without(body, key):
    return {k: v for k, v in body.items() if k != key}


def test_download_errors(live):
    sim, body = live
    post = lambda b: sim.post("download/pidimage", b)  # noqa: E731
    assert_error(post(_without(body, "pid")), "PID_MISSING")
    assert_error(post(_without(body, "mdfId")), "MDFID_MISSING")
    assert_error(post(body | {"mdfId": "28x"}), "MDFID_INVALID")
    assert_error(post(body | {"mdfId": "286305578"}), "MDFID_INVALID")  # another product's mdfId
    assert_error(post(body | {"mdfId": ["1", "2"]}), "MDFID_LIMIT_EXCEEDED")
    assert_error(post(_without(body, "metadataTransId")), "MTRANSID_MISSING")
    assert_error(post(body | {"metadataTransId": "123456789012345678"}), "INVALID_MTRANSID")
    assert_error(post(_without(body, "imageGuids")), "IMAGE_GUID_MISSING")
    assert_error(post(body | {"imageGuids": []}), "IMAGE_GUID_MISSING")
    assert_error(post(body | {"imageGuids": [f"{i:040X}" for i in range(6)]}), "IMAGE_LIMIT_EXCEEDED")
    assert_error(post(body | {"imageGuids": ["not-a-guid"]}), "IMAGE_GUID_INVALID")
    assert_error(post(body | {"pid": "WS-NO-SUCH-PID"}), "PID_INVALID")
    assert post(body).status_code == 200


def test_guid_not_returned_by_the_transaction_is_invalid(live, sample_simulator):
    sim, body = live
    other = sim.post(
        "metadata/pidrelease", {"pid": "SIM-BIG-1", "currentReleaseVersion": "1", "outputReleaseVersion": "latest"}
    )
    foreign_guid = images_of(other.json())[0]["imageGuid"]
    assert_error(sim.post("download/pidimage", body | {"imageGuids": [foreign_guid]}), "IMAGE_GUID_INVALID")
    # ...and a transaction only covers the page it answered.
    page1 = sim.post("metadata/pidrelease", REL | {"outputReleaseVersion": "above", "perPage": 1}).json()
    page2 = sim.post(
        "metadata/pidrelease", REL | {"outputReleaseVersion": "above", "perPage": 1, "pageIndex": 2}
    ).json()
    request = {"pid": "SIM-BIG-1", "mdfId": "999000010", "metadataTransId": page1["metadataTransId"]}
    assert_error(
        sim.post("download/pidimage", request | {"imageGuids": [images_of(page2)[0]["imageGuid"]]}),
        "IMAGE_GUID_INVALID",
    )
    ok = sim.post("download/pidimage", request | {"imageGuids": [images_of(page1)[0]["imageGuid"]]})
    assert ok.status_code == 200


def test_transaction_expires_after_60_minutes(live):
    sim, body = live
    sim.advance_clock(59 * 60)
    assert sim.post("download/pidimage", body).status_code == 200
    sim.advance_clock(60)
    sim.token()  # the token is still valid at 60 min, but take a fresh one to show the trans id is what fails
    assert_error(sim.post("download/pidimage", body), "MTRANSID_EXPIRED")


def test_transaction_of_another_client_is_invalid(live):
    sim, body = live
    sim.session.post(f"{sim.url}/_sim/clients", json={"client_id": "other", "client_secret": "other-secret"}, timeout=5)
    sim.client_id, sim.client_secret = "other", "other-secret"
    sim.token()
    assert_error(sim.post("download/pidimage", body), "INVALID_MTRANSID")
