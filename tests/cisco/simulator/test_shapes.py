"""The shape comparer used against the spec's samples must itself catch what it is meant to catch."""

from __future__ import annotations

import pytest

from tests.cisco.simulator.helpers import sample
from tests.cisco.simulator.shapes import shape_errors, shape_of

SAMPLE_NAMES = [
    "pidrelease_resp",
    "pidimage_resp",
    "images_resp",
    "k9_get_resp",
    "eula_get_resp",
    "k9_post_resp",
    "eula_post_resp",
    "download_resp",
]


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_matches_its_own_shape(name):
    data = sample(name)
    assert shape_errors(shape_of(data), data) == []


def test_wrong_type_deep_inside_is_reported_with_its_path():
    data = sample("pidrelease_resp")
    image = data["metadata"][0]["products"][0]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][0]
    image["size"] = 1048197
    errors = shape_errors(shape_of(sample("pidrelease_resp")), data)
    assert len(errors) == 1
    assert "images[0].size: expected string, got integer" in errors[0]


def test_missing_and_extra_keys_are_reported():
    data = sample("k9_get_resp")
    del data["userDetails"]["userEmail"]
    data["surprise"] = 1
    errors = shape_errors(shape_of(sample("k9_get_resp")), data)
    assert sorted(errors) == ["$.surprise: not in the sample", "$.userDetails.userEmail: missing"]


def test_array_elements_merge_optional_keys_but_keep_common_ones_required():
    shape = shape_of(sample("images_resp"))
    ios_only = {
        "imageName": "x.bin",
        "softwareTypeId": 1,
        "softwareTypeName": "IOS Software",
        "isDeleted": "N",
        "releaseFcsDate": "2020-01-01",
        "featureSetDescription": "UNIVERSAL",
        "imageSize": 1,
        "md5": "0" * 32,
        "encryptionSoftwareIndicator": "N",
        "exception": [],
    }
    body = {"selfLink": "", "title": "", "invalidImages": [], "metadata": [ios_only]}
    assert shape_errors(shape, body) == []
    del ios_only["imageSize"]
    assert shape_errors(shape, body) == ["$.metadata[0].imageSize: missing"]


def test_empty_sample_containers_accept_any_content():
    shape = shape_of(sample("download_resp"))
    data = sample("download_resp")
    data["acceptanceForm"] = {"k9": {"subAppVersion": "9"}}
    data["downloads"][0]["exception"] = [{"code": "SW_ADV_IMAGE", "message": "SA associated with Image"}]
    assert shape_errors(shape, data) == []
