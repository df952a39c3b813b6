"""Every endpoint answers the spec's own sample requests with responses shaped like the spec's samples."""

from __future__ import annotations

import re

from portal.cisco.simulator.content import ImageBytes
from tests.cisco.simulator.helpers import assert_error, catalog_images, images_of, sample
from tests.cisco.simulator.shapes import assert_same_shape


def test_pidrelease_sample(sample_simulator):
    response = sample_simulator.post("metadata/pidrelease", sample("pidrelease_req"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_same_shape(sample("pidrelease_resp"), body)
    assert body["pagination"]["pageRecords"] == 1  # perPage "1" as a string is honoured
    assert body["metadata"][0]["pid"] == "ASR10012XOC3POS-RF"
    assert re.fullmatch(r"\d{18}", body["metadataTransId"])
    assert body["selfLink"] == f"{sample_simulator.url}/software/v4.0/metadata/pidrelease"


def test_pidrelease_sample_images_carry_the_digests_of_the_served_bytes(sample_simulator):
    body = sample_simulator.post("metadata/pidrelease", sample("pidrelease_req") | {"perPage": "25"}).json()
    for image in images_of(body):
        md5, sha512 = ImageBytes(image["imageGuid"], int(image["size"])).digests()
        assert (image["md5"], image["sha512"]) == (md5, sha512)


def test_pidimage_sample(sample_simulator):
    response = sample_simulator.post("metadata/pidimage", sample("pidimage_req"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_same_shape(sample("pidimage_resp"), body)
    assert body["invalidImages"] == []
    assert body["pagination"]["totalRecords"] == 2
    assert {image["name"] for image in images_of(body)} <= {"testfile1.exe", "testVPN_3.bin"}


def test_images_sample(sample_simulator):
    response = sample_simulator.post("metadata/images", sample("images_req"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_same_shape(sample("images_resp"), body)
    assert body["invalidImages"] == ["c1700-y-mz.124-13a.bin"]
    by_name = {entry["imageName"]: entry for entry in body["metadata"]}
    assert by_name["me360x-universalk9-tar.153-3.S4.tar"]["imageSize"] == 28_672
    assert by_name["m9000-epld-3.2.1.img"]["deletedDate"] == "2010-07-28"


def test_k9_get_sample(sample_simulator):
    response = sample_simulator.get("compliance/k9")
    assert response.status_code == 200
    body = response.json()
    assert_same_shape(sample("k9_get_resp"), body)
    assert body["subAppVersion"] == "9"
    assert body["userDetails"]["userId"] == "depot-demo"


def test_eula_get_sample(sample_simulator):
    response = sample_simulator.get("compliance/eula")
    assert response.status_code == 200
    assert_same_shape(sample("eula_get_resp"), response.json())
    assert response.json()["subAppVersion"] == "19"


def test_k9_post_sample(sample_simulator):
    response = sample_simulator.post("compliance/k9", sample("k9_post_req"))
    assert response.status_code == 200, response.text
    assert_same_shape(sample("k9_post_resp"), response.json())
    assert response.json() == {"statusCode": "0", "statusMessage": "success"}


def test_eula_post_sample(sample_simulator):
    response = sample_simulator.post("compliance/eula", sample("eula_post_req"))
    assert response.status_code == 200, response.text
    assert_same_shape(sample("eula_post_resp"), response.json())


def test_download_sample_with_a_live_transaction(sample_simulator):
    request = sample("download_req")
    sample_simulator.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    meta = sample_simulator.post(
        "metadata/pidrelease", {"pid": request["pid"], "currentReleaseVersion": "1.0", "outputReleaseVersion": "latest"}
    ).json()
    assert request["imageGuids"][0] in {image["imageGuid"] for image in images_of(meta)}
    response = sample_simulator.post("download/pidimage", request | {"metadataTransId": meta["metadataTransId"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert_same_shape(sample("download_resp"), body)
    entry = body["downloads"][0]
    assert entry["imageName"] == "n9000-epld.7.0.3.I7.9.img" == catalog_images()[entry["imageName"]]["name"]
    assert entry["url"].startswith(f"{sample_simulator.url}/pcgi-bin/swdld/download.cgi?dwnld_code=")
    assert entry["token"] == ""
    assert entry["exception"] == []
    assert body["acceptanceForm"] == {}
    assert re.fullmatch(r"\d{18}", body["sessionId"])


def test_download_sample_as_published_names_a_transaction_the_simulator_never_issued(sample_simulator):
    assert_error(sample_simulator.post("download/pidimage", sample("download_req")), "INVALID_MTRANSID")
