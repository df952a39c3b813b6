"""A small simulator catalog for the downloads tests (written to a temp file per session)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.data.build_sample_catalog import image, release, stype

PID = "DL-TEST-1"
MDF_ID = "999100001"
MIB = 1 << 20

HOSTILE_NAMES = ["../../escape.bin", "/etc/passwd-depot.bin", "nul\x00byte.bin", "x" * 300]
# Images whose published digests are not what the spec promises (the bytes behind them are fine).
BAD_METADATA = {
    "dl-bad-sha512.bin": {"sha512": "g" * 128},
    "dl-short-sha512.bin": {"sha512": "ab" * 10},
    "dl-hostile-sha512.bin": {"sha512": "\x00<script>" + "a" * 118},
    "dl-bad-md5.bin": {"md5": "z" * 32},
}


def build(*, refused_external_url: str, odd_server_url: str = "http://127.0.0.1:9") -> dict:
    """The catalog: default and cloud images, forms, restrictions, a slow-enough image, hostile names."""
    images = [
        image("dl-plain.bin", 3 * MIB + 123),
        image("dl-cloud.bin", 2 * MIB + 7, simDelivery="cloud"),
        image("dl-crypto-k9.bin", 50_000, encryptionSoftwareIndicator="Y"),
        image("dl-contract.bin", 1000, simRestriction="CONTRACT_IMG_REQ"),
        image("dl-big.bin", 12 * MIB + 5),
        image("dl-other-1.bin", 10_000),
        image("dl-other-2.bin", 20_000, simDelivery="cloud"),
        image("dl-elsewhere.bin", 5000, simExternalUrl=refused_external_url),
        image("dl empty ünïcode.bin", 0),
        image("dl-norange.bin", 2 * MIB + 11, simExternalUrl=f"{odd_server_url}/norange/dl-norange.bin"),
        image("dl-bad206.bin", 2 * MIB + 13, simExternalUrl=f"{odd_server_url}/bad206/dl-bad206.bin"),
        *[image(name, 100) for name in HOSTILE_NAMES if len(name) <= 256],
        *[image(name, 100, **published) for name, published in BAD_METADATA.items()],
    ]
    return {
        "format": 1,
        "softwareTypeSets": {},
        "products": [
            {
                "pid": PID,
                "mdfId": MDF_ID,
                "mdfConceptName": "Downloads Test Device",
                "softwareTypes": [stype("999100100", "Test Software", {"Linux": [release("2.1.0", images)]})],
            }
        ],
    }


def write(path: Path, **kwargs: str) -> Path:
    """Write the catalog as JSON and return its path."""
    path.write_text(json.dumps(build(**kwargs)), encoding="utf-8")
    return path


def expected(name: str) -> dict:
    """The catalog entry of ``name`` (size and digests the stored file must have)."""
    for entry in build(refused_external_url="http://x")["products"][0]["softwareTypes"][0]["operatingSystems"][0][
        "releases"
    ][0]["images"]:
        if entry["name"] == name:
            return entry
    raise KeyError(name)
