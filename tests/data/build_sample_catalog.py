"""Build tests/data/sample_catalog.json: a small, fast catalog for the simulator's tests.

It holds the PIDs and image names of the spec's own samples (so the sample requests in
tests/data/spec/samples/ can be sent unchanged), plus products made to exercise pagination, ``latest`` per
software type, every download outcome (K9, restriction, advisories, cloud, external bytes) and Range.
Image sizes are small; md5/sha512 are computed from content.ImageBytes. Run:

    .venv/bin/python -m tests.data.build_sample_catalog
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from portal.cisco.simulator.content import ImageBytes

OUT = Path(__file__).resolve().parent / "sample_catalog.json"
DOCS = "https://www.cisco.com/c/en/us/td/docs/"
EXTERNAL_URL = "http://127.0.0.1:9/external/sim-external.bin"


def guid(name: str) -> str:
    """A deterministic GUID for a test image."""
    return hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest().upper()


def image(name: str, size: int, *, fixed_guid: str | None = None, **extra: Any) -> dict[str, Any]:
    """An image in catalog format with its real digests."""
    image_guid = fixed_guid or guid(name)
    md5, sha512 = ImageBytes(image_guid, size).digests()
    out: dict[str, Any] = {
        "imageGuid": image_guid,
        "softwareAdvisory": "",
        "deferralNotice": "",
        "isRelated": "N",
        "name": name,
        "size": str(size),
        "imageDescription": "",
        "featureSetDescription": "",
        "minDram": "",
        "minFlash": "",
        "encryptionSoftwareIndicator": "N",
        "md5": md5,
        "sha512": sha512,
        "docs": [],
        "isDeleted": "N",
        "deletedDate": "",
        "releaseDate": "2020-01-01",
        "migrationReleaseVersion": "",
        "migrationTargetRetirementDate": "",
        "migrationReleaseLifeCycle": "",
        "additionalEntitlement": "N",
        "psirtIndicator": "N",
        "simDelivery": "default",
        "simRestriction": "",
        "simExternalUrl": "",
    }
    out.update(extra)
    return out


def release(version: str, images: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A release in catalog format."""
    out = {
        "version": version,
        "fcsDate": "2020-01-01",
        "message": "",
        "lifeCycle": "",
        "fieldNotice": "https://www.cisco.com/c/en/us/support/field-notices.html",
        "securityAdvisory": "",
        "docs": [{"name": f"Release Notes {version}", "type": "Release Notes", "url": f"{DOCS}rn-{version}.html"}],
        "isSuggested": "N",
        "catalogMessage": "",
        "images": images,
    }
    out.update(extra)
    return out


def stype(type_id: str, name: str, systems: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """A software type with releases per operating system."""
    return {
        "softwareTypeId": type_id,
        "softwareTypeName": name,
        "operatingSystems": [{"name": os_name, "releases": rels} for os_name, rels in systems.items()],
    }


def spec_sample_products() -> list[dict[str, Any]]:
    """The PIDs and images the spec's samples name."""
    analog = stype(
        "283724313",
        "Analog Firmware Loader",
        {
            "Windows XP": [
                release(f"5.{minor}.{patch}", [image(f"analog-fw-5.{minor}.{patch}.exe", 2048 + minor * 100 + patch)])
                for minor, patch in ((4, 1), (4, 3), (5, 0), (5, 2))
            ]
            + [
                release(
                    "5.6.1",
                    [
                        image(
                            "testfile1.exe", 104_819, imageDescription="Ypub Parameter test", simRestriction="IAC_ERROR"
                        )
                    ],
                    fcsDate="2020-07-10",
                    lifeCycle="MD",
                )
            ],
            "Windows 2000": [
                release(
                    "02mar2020",
                    [
                        image(
                            "testVPN_3.bin", 11, imageDescription="test", isRelated="Y", encryptionSoftwareIndicator="Y"
                        )
                    ],
                    fcsDate="2020-05-04",
                )
            ],
        },
    )
    epld = stype(
        "286305620",
        "NX-OS EPLD Updates",
        {
            "NX-OS": [
                release(
                    "7.0(3)I7(9)",
                    [image("n9000-epld.7.0.3.I7.9.img", 40_960, fixed_guid="25856C5890AE73F8EDBEEDA441EC901F8FC8362E")],
                )
            ]
        },
    )
    me3600 = stype(
        "280805680",
        "IOS Software",
        {
            "IOS": [
                release(
                    "15.3.3S4",
                    [
                        image(
                            "me360x-universalk9-tar.153-3.S4.tar",
                            28_672,
                            featureSetDescription="UNIVERSAL TAR",
                            minDram="1024",
                            minFlash="64",
                            encryptionSoftwareIndicator="Y",
                            releaseDate="2014-11-18",
                        )
                    ],
                    fcsDate="2014-11-18",
                )
            ]
        },
    )
    mds = stype(
        "282253564",
        "NX-OS EPLD Updates",
        {
            "NX-OS": [
                release(
                    "3.2(1)",
                    [
                        image(
                            "m9000-epld-3.2.1.img",
                            32_112,
                            imageDescription="EPLD image for Cisco MDS 9000 Family",
                            isDeleted="Y",
                            deletedDate="2010-07-28",
                            docs=[{"name": "notes label", "url": f"{DOCS}mds-epld.txt", "type": "Image Document"}],
                        )
                    ],
                    fcsDate="2007-09-17",
                )
            ]
        },
    )
    return [
        {
            "pid": "ASR10012XOC3POS-RF",
            "mdfId": "277873116",
            "mdfConceptName": "1700/2600/3600/3700 Series 1-Port Analog Modem WAN Interface Card",
            "softwareTypes": [analog],
        },
        {
            "pid": "ACS-1800-RM-19=",
            "mdfId": "286305578",
            "mdfConceptName": "Secure Access Control Server 1800",
            "softwareTypes": [epld],
        },
        {
            "pid": "ME-3600X-24CX-M",
            "mdfId": "284251102",
            "mdfConceptName": "ME 3600X-24CX Switch",
            "softwareTypes": [me3600],
        },
        {
            "pid": "DS-C9148-K9",
            "mdfId": "282253575",
            "mdfConceptName": "MDS 9148 Multilayer Fabric Switch",
            "softwareTypes": [mds],
        },
    ]


def big_set() -> list[dict[str, Any]]:
    """30 IOS XE releases (pagination) shared by two PIDs."""
    versions = [f"16.12.{n}" for n in range(1, 11)] + [f"17.{m}.{p}" for m in range(3, 7) for p in range(1, 6)]
    versions.append("17.9.4a")
    rels = [
        release(
            v,
            [
                image(
                    f"sim9k_iosxe.{v}.SPA.bin",
                    1000 + i,
                    featureSetDescription="UNIVERSAL",
                    encryptionSoftwareIndicator="Y",
                )
            ],
            lifeCycle="MD" if v == "17.9.4a" else "ED",
            isSuggested="Y" if v == "17.9.4a" else "N",
        )
        for i, v in enumerate(versions)
    ]
    return [stype("282046477", "IOS XE Software", {"IOS XE": rels})]


def nexus() -> list[dict[str, Any]]:
    """Two software types: latest is answered per type."""
    nxos = [
        release(v, [image(f"nxos64-cs.{v.replace('(', '.').replace(')', '')}.bin", 5000 + i)])
        for i, v in enumerate(["9.3(9)", "9.3(10)", "10.2(5)M", "10.3(4a)M"])
    ]
    epld = [
        release(v, [image(f"n9000-epld.{v.replace('(', '.').replace(')', '')}.img", 4000 + i)])
        for i, v in enumerate(["9.3(10)", "10.2(5)M"])
    ]
    deleted = release("10.4(1)F", [image("nxos64-cs.10.4.1F.bin", 4096, isDeleted="Y", deletedDate="2024-01-01")])
    return [
        stype("282088129", "NX-OS System Software", {"NX-OS": [*nxos, deleted]}),
        stype("282088132", "NX-OS EPLD Updates", {"NX-OS": epld}),
    ]


def download_product() -> dict[str, Any]:
    """One release with an image for every download outcome."""
    adv = "https://www.cisco.com/c/en/us/support/docs/csa/sim-advisory.html"
    images = [
        image("sim-plain.bin", 3 * (1 << 20) + 123, featureSetDescription="BASE"),
        image("sim-crypto-k9.bin", 20_000, encryptionSoftwareIndicator="Y"),
        image("sim-cloud.bin", 70_000, simDelivery="cloud"),
        image("sim-cloud-k9.bin", 30_000, simDelivery="cloud", encryptionSoftwareIndicator="Y"),
        image("sim-contract.bin", 1000, simRestriction="CONTRACT_IMG_REQ"),
        image("sim-login.bin", 1000, simRestriction="LOGIN_REQD"),
        image("sim-advisory.bin", 1000, softwareAdvisory=adv),
        image("sim-deferred.bin", 1000, deferralNotice=adv),
        image("sim-external.bin", 1000, simExternalUrl=EXTERNAL_URL),
        image("sim-empty.bin", 0),
    ]
    return {
        "pid": "SIM-DL-1",
        "mdfId": "999000001",
        "mdfConceptName": "Simulator Download Test Device",
        "softwareTypes": [stype("999000100", "Test Software", {"Linux": [release("1.0.0", images)]})],
    }


def build() -> dict[str, Any]:
    """The whole sample catalog."""
    return {
        "format": 1,
        "softwareTypeSets": {"sim-big": big_set()},
        "products": [
            *spec_sample_products(),
            {
                "pid": "SIM-BIG-1",
                "mdfId": "999000010",
                "mdfConceptName": "Simulator Big 1",
                "softwareTypeSet": "sim-big",
            },
            {
                "pid": "SIM-BIG-2",
                "mdfId": "999000011",
                "mdfConceptName": "Simulator Big 2",
                "softwareTypeSet": "sim-big",
            },
            {
                "pid": "N9K-C93180YC-FX",
                "mdfId": "286305946",
                "mdfConceptName": "Nexus 93180YC-FX Switch",
                "softwareTypes": nexus(),
            },
            download_product(),
        ],
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(build(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
