"""The spec's sample requests against the default catalog (the shared ``simulator`` fixture)."""

from __future__ import annotations

import pytest

from tests.cisco.simulator.helpers import images_of, sample
from tests.cisco.simulator.shapes import assert_same_shape


@pytest.mark.parametrize(
    ("endpoint", "name"), [("pidrelease", "pidrelease"), ("pidimage", "pidimage"), ("images", "images")]
)
def test_metadata_samples(simulator, endpoint, name):
    response = simulator.post(f"metadata/{endpoint}", sample(f"{name}_req"))
    assert response.status_code == 200, response.text
    assert_same_shape(sample(f"{name}_resp"), response.json())


def test_download_sample(simulator):
    request = sample("download_req")
    simulator.accept_forms()
    meta = simulator.post(
        "metadata/pidimage", {"pid": request["pid"], "imageNames": ["n9000-epld.7.0.3.I7.9.img"]}
    ).json()
    assert request["imageGuids"][0] in {image["imageGuid"] for image in images_of(meta)}
    response = simulator.post("download/pidimage", request | {"metadataTransId": meta["metadataTransId"]})
    assert response.status_code == 200, response.text
    assert_same_shape(sample("download_resp"), response.json())
    assert response.json()["downloads"][0]["url"]
