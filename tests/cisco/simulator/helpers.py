"""Shared helpers of the simulator tests: spec samples, catalog facts, metadata and download shortcuts."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from portal.cisco.errors import error_code
from tests.fixtures.simulator import SAMPLE_CATALOG, Simulator
from tests.spec import SAMPLES_DIR

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = SAMPLES_DIR
DL_PID = "SIM-DL-1"
DL_MDF = "999000001"
EXTERNAL_URL = "http://127.0.0.1:9/external/sim-external.bin"


def sample(name: str) -> Any:
    """A JSON sample of the spec (``pidrelease_req`` ...), read from tests/data/spec/samples/."""
    return json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))


@cache
def catalog_images() -> dict[str, dict[str, Any]]:
    """Every image of the sample catalog by name (catalog format)."""
    data = json.loads(SAMPLE_CATALOG.read_text(encoding="utf-8"))
    out: dict[str, dict[str, Any]] = {}
    types = [st for sts in data["softwareTypeSets"].values() for st in sts]
    types += [st for product in data["products"] for st in product.get("softwareTypes", [])]
    for stype in types:
        for osys in stype["operatingSystems"]:
            for release in osys["releases"]:
                for image in release["images"]:
                    out[image["name"]] = image
    return out


def images_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """All images of a nested metadata answer, in order."""
    return [
        image
        for entry in body["metadata"]
        for product in entry["products"]
        for stype in product["softwareTypes"]
        for osys in stype["operatingSystems"]
        for release in osys["releases"]
        for image in release["images"]
    ]


def releases_of(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(softwareTypeName, version) of every release of a nested metadata answer, in order."""
    return [
        (stype["softwareTypeName"], release["version"])
        for entry in body["metadata"]
        for product in entry["products"]
        for stype in product["softwareTypes"]
        for osys in stype["operatingSystems"]
        for release in osys["releases"]
    ]


def assert_error(response: Any, code: str) -> dict[str, Any]:
    """The response is the spec's application error ``code``: its HTTP status, token and message."""
    entry = error_code(code)
    assert entry is not None, code
    assert response.status_code == entry.http_status, response.text
    body = response.json()
    assert body["errorCode"] == code, body
    assert body["errorMessage"] == entry.message
    assert body["httpStatus"] == entry.http_status
    return body


def assert_gateway_error(response: Any, status: int, message: str) -> dict[str, Any]:
    """The response is a generic (gateway) error with this status and the spec's message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["errorCode"] == message, body
    assert response.headers["X-Error-Detail-Header"] == message
    return body


def dl_metadata(sim: Simulator) -> dict[str, Any]:
    """metadata/pidimage for every image of SIM-DL-1 (the product with one image per download outcome)."""
    response = sim.post(
        "metadata/pidrelease", {"pid": DL_PID, "currentReleaseVersion": "0.1", "outputReleaseVersion": "latest"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def download(sim: Simulator, *names: str, trans: dict[str, Any] | None = None) -> dict[str, Any]:
    """download/pidimage for the named SIM-DL-1 images; returns the answer's JSON (asserting HTTP 200)."""
    meta = trans or dl_metadata(sim)
    guids = {image["name"]: image["imageGuid"] for image in images_of(meta)}
    body = {"pid": DL_PID, "mdfId": DL_MDF, "metadataTransId": meta["metadataTransId"]}
    body["imageGuids"] = [guids[name] for name in names]
    response = sim.post("download/pidimage", body)
    assert response.status_code == 200, response.text
    return response.json()


def offer(sim: Simulator, name: str) -> dict[str, Any]:
    """The downloads entry of one SIM-DL-1 image."""
    return download(sim, name)["downloads"][0]
