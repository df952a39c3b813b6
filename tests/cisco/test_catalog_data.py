"""The simulator's default catalog: the committed JSON is what the families build, it follows CATALOG.md, it
holds what the spec's samples ask for, and the builder's synthetic catalogs and digest reuse behave."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from portal.cisco.errors import ERROR_CODES
from portal.cisco.simulator import catalog_build
from portal.cisco.simulator.catalog import parse_catalog
from portal.cisco.simulator.content import ImageBytes
from portal.cisco.simulator.families import FAMILIES
from portal.cisco.versions import parse_version

RELEASE_KEYS = [
    "version",
    "fcsDate",
    "message",
    "lifeCycle",
    "fieldNotice",
    "securityAdvisory",
    "docs",
    "isSuggested",
    "catalogMessage",
    "images",
]
IMAGE_KEYS = [
    "imageGuid",
    "softwareAdvisory",
    "deferralNotice",
    "isRelated",
    "name",
    "size",
    "imageDescription",
    "featureSetDescription",
    "minDram",
    "minFlash",
    "encryptionSoftwareIndicator",
    "md5",
    "sha512",
    "docs",
    "isDeleted",
    "deletedDate",
    "releaseDate",
    "migrationReleaseVersion",
    "migrationTargetRetirementDate",
    "migrationReleaseLifeCycle",
    "additionalEntitlement",
    "psirtIndicator",
    "simDelivery",
    "simRestriction",
    "simExternalUrl",
]
FLAGS = ("isRelated", "encryptionSoftwareIndicator", "isDeleted", "additionalEntitlement", "psirtIndicator")
DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
URL_KEYS = ("softwareAdvisory", "deferralNotice", "simExternalUrl")
LIFECYCLES = {"", "MD", "ED", "GD", "LD", "DF"}


@pytest.fixture(scope="module")
def committed() -> dict[str, Any]:
    return json.loads(catalog_build.DEFAULT_PATH.read_text(encoding="utf-8"))


def _without_digests(catalog: dict[str, Any]) -> dict[str, Any]:
    stripped = copy.deepcopy(catalog)
    for image in catalog_build.iter_images(stripped):
        image["md5"] = image["sha512"] = ""
    return stripped


def _releases(catalog: dict[str, Any]) -> list[tuple[str, dict[str, Any], str, dict[str, Any]]]:
    """(scope, software type, OS name, release) for every release, in shared sets and inline."""
    groups = list(catalog["softwareTypeSets"].items())
    groups += [(p["pid"], p["softwareTypes"]) for p in catalog["products"] if "softwareTypes" in p]
    return [
        (scope, st, system["name"], release)
        for scope, types in groups
        for st in types
        for system in st["operatingSystems"]
        for release in system["releases"]
    ]


def _docs_problems(where: str, docs: Any) -> list[str]:
    if not isinstance(docs, list):
        return [f"{where}: docs is not a list"]
    return [
        f"{where}: bad doc {doc!r}"
        for doc in docs
        if set(doc) != {"name", "type", "url"} or not str(doc["url"]).startswith("https://")
    ]


def _image_problems(where: str, image: dict[str, Any], *, digests: bool) -> list[str]:
    if list(image) != IMAGE_KEYS:
        return [f"{where}: image keys {list(image)}"]
    problems = [
        f"{where}: {key} is not a string"
        for key, value in image.items()
        if key != "docs" and not isinstance(value, str)
    ]
    if problems:
        return problems
    checks = [
        (re.fullmatch(r"[0-9A-F]{40}", image["imageGuid"]), "imageGuid"),
        (image["size"].isdigit(), "size"),
        (all(image[flag] in ("Y", "N") for flag in FLAGS), "Y/N flags"),
        (DATE.fullmatch(image["releaseDate"]), "releaseDate"),
        ((image["isDeleted"] == "Y") == bool(DATE.fullmatch(image["deletedDate"])), "isDeleted/deletedDate"),
        (
            image["migrationTargetRetirementDate"] == "" or DATE.fullmatch(image["migrationTargetRetirementDate"]),
            "migration date",
        ),
        (all(image[key] == "" or image[key].startswith("https://") for key in URL_KEYS), "URLs"),
        (image["simDelivery"] in ("default", "cloud"), "simDelivery"),
        (image["simRestriction"] == "" or image["simRestriction"] in ERROR_CODES, "simRestriction"),
        (re.fullmatch(r"[0-9a-f]{32}", image["md5"]) or (not digests and image["md5"] == ""), "md5"),
        (re.fullmatch(r"[0-9a-f]{128}", image["sha512"]) or (not digests and image["sha512"] == ""), "sha512"),
    ]
    return [f"{where}: bad {what}" for ok, what in checks if not ok] + _docs_problems(where, image["docs"])


def _release_problems(where: str, release: dict[str, Any], *, digests: bool) -> list[str]:
    if list(release) != RELEASE_KEYS:
        return [f"{where}: release keys {list(release)}"]
    problems = [
        f"{where}: bad {what}"
        for ok, what in (
            (DATE.fullmatch(release["fcsDate"]), "fcsDate"),
            (release["lifeCycle"] in LIFECYCLES, "lifeCycle"),
            (release["isSuggested"] in ("Y", "N"), "isSuggested"),
            (
                all(release[k] == "" or release[k].startswith("https://") for k in ("fieldNotice", "securityAdvisory")),
                "URLs",
            ),
            (all(isinstance(release[k], str) for k in ("version", "message", "catalogMessage")), "strings"),
        )
        if not ok
    ]
    problems += _docs_problems(where, release["docs"])
    for image in release["images"]:
        problems += _image_problems(f"{where} {image.get('name')}", image, digests=digests)
    return problems


def catalog_problems(catalog: dict[str, Any], *, digests: bool) -> list[str]:
    """Everything in a catalog that breaks CATALOG.md (format v1); ``digests`` requires md5/sha512."""
    problems = [] if catalog.get("format") == 1 else ["format is not 1"]
    pids = [product["pid"] for product in catalog["products"]]
    problems += [f"duplicate pid {pid}" for pid in {p for p in pids if pids.count(p) > 1}]
    for product in catalog["products"]:
        shape = {"pid", "mdfId", "mdfConceptName"} | (
            {"softwareTypeSet"} if "softwareTypeSet" in product else {"softwareTypes"}
        )
        if set(product) != shape or not product["mdfId"].isdigit() or not product["pid"]:
            problems.append(f"product {product.get('pid')}: bad shape or mdfId")
        if product.get("softwareTypeSet", "") and product["softwareTypeSet"] not in catalog["softwareTypeSets"]:
            problems.append(f"product {product['pid']}: unknown set {product['softwareTypeSet']}")
    for scope, st, system, release in _releases(catalog):
        if not (isinstance(st["softwareTypeId"], str) and st["softwareTypeId"].isdigit() and st["softwareTypeName"]):
            problems.append(f"{scope}: bad software type {st['softwareTypeId']!r}")
        problems += _release_problems(f"{scope} {system} {release.get('version')}", release, digests=digests)
    guids = [image["imageGuid"] for image in catalog_build.iter_images(catalog)]
    problems += [f"duplicate imageGuid {guid}" for guid in {g for g in guids if guids.count(g) > 1}]
    return problems


def _images_by_name(catalog: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {image["name"]: image for image in catalog_build.iter_images(catalog)}


def _product(catalog: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(product for product in catalog["products"] if product["pid"] == pid)


def _product_types(catalog: dict[str, Any], pid: str) -> list[dict[str, Any]]:
    product = _product(catalog, pid)
    return product.get("softwareTypes") or catalog["softwareTypeSets"][product["softwareTypeSet"]]


# --- the default catalog ---------------------------------------------------------------------------------


def test_committed_catalog_is_what_the_families_build(committed):
    assert _without_digests(committed) == _without_digests(catalog_build.build_default())


def test_committed_catalog_follows_catalog_md(committed):
    assert catalog_problems(committed, digests=True) == []


def test_committed_catalog_loads_in_the_simulator(committed):
    catalog = parse_catalog(committed)
    assert len(catalog.products) == len(committed["products"])
    assert len(catalog.images_by_guid) == len(list(catalog_build.iter_images(committed)))


def test_default_catalog_is_big_enough_and_stays_within_the_hashing_budget(committed):
    images = list(catalog_build.iter_images(committed))
    assert len(FAMILIES) >= 10
    assert len(_releases(committed)) >= 200
    assert sum(int(image["size"]) for image in images) <= 41e9


def test_default_catalog_has_every_kind_of_release_and_image(committed):
    releases = [release for _, _, _, release in _releases(committed)]
    images = list(catalog_build.iter_images(committed))
    assert {"MD", "ED", "DF", "GD"} <= {release["lifeCycle"] for release in releases}
    assert any(release["isSuggested"] == "Y" for release in releases)
    assert any(release["securityAdvisory"] and release["docs"] for release in releases)
    deferred = [i for i in images if i["deferralNotice"]]
    assert deferred and all(i["migrationReleaseVersion"] for i in deferred)
    assert any(i["isDeleted"] == "Y" and i["deletedDate"] for i in images)
    assert {"CONTRACT_IMG_REQ", "LOGIN_REQD", "IMG_CONTRACT_REQD"} <= {i["simRestriction"] for i in images}
    assert {"default", "cloud"} == {i["simDelivery"] for i in images}
    for flag in ("encryptionSoftwareIndicator", "psirtIndicator", "isRelated", "additionalEntitlement"):
        assert {"Y", "N"} == {i[flag] for i in images}, flag
    assert any(i["softwareAdvisory"] for i in images)
    assert any(i["docs"] for i in images)


def test_well_known_image_names_are_spelled_the_cisco_way(committed):
    names = _images_by_name(committed)
    for name in (
        "cat9k_iosxe.17.09.04a.SPA.bin",
        "cat9k_lite_iosxe.17.09.04a.SPA.bin",
        "c2960x-universalk9-mz.152-7.E10.bin",
        "c2960-lanbasek9-mz.152-2.E10.bin",
        "isr4300-universalk9.17.09.04a.SPA.bin",
        "nxos.9.3.12.bin",
        "nxos64-cs.10.3.5.M.bin",
        "n9000-epld.9.3.12.img",
        "s2t54-adventerprisek9-mz.SPA.155-1.SY11.bin",
        "asa9-16-4-19-smp-k8.bin",
        "AIR-CT5520-K9-8-10-185-0.aes",
        "asr9k-mini-x64-7.9.2.iso",
        "anyconnect-win-4.10.08025-core-vpn-predeploy-k9.msi",
        "anyconnect-linux64-4.10.08025-predeploy-k9.tar.gz",
    ):
        assert name in names, name
    release_of = {i["imageGuid"]: r["version"] for _, _, _, r in _releases(committed) for i in r["images"]}
    assert release_of[names["cat9k_iosxe.17.09.04a.SPA.bin"]["imageGuid"]] == "17.9.4a"


# --- what the spec's samples ask for -----------------------------------------------------------------------


def test_pidrelease_and_pidimage_sample_product(committed):
    product = _product(committed, "ASR10012XOC3POS-RF")
    assert product["mdfId"] == "277873116"
    assert product["mdfConceptName"] == "1700/2600/3600/3700 Series 1-Port Analog Modem WAN Interface Card"
    (software_type,) = _product_types(committed, "ASR10012XOC3POS-RF")
    assert (software_type["softwareTypeId"], software_type["softwareTypeName"]) == (
        "283724313",
        "Analog Firmware Loader",
    )
    versions = [r["version"] for s in software_type["operatingSystems"] for r in s["releases"]]
    assert {"JuLy_TeSt(1.5E)", "02mar2020"} <= set(versions)
    above = [v for v in versions if parse_version(v).scheme == "dotted" and parse_version(v) > parse_version("5.4.3")]
    assert len(above) >= 3
    names = {i["name"]: i for s in software_type["operatingSystems"] for r in s["releases"] for i in r["images"]}
    assert (names["testfile1.exe"]["size"], names["testfile1.exe"]["imageGuid"]) == (
        "1048197",
        "85EC8B09474A0B89DED0345E9EBDB27181B6F2CF",
    )
    assert (names["testVPN_3.bin"]["size"], names["testVPN_3.bin"]["imageGuid"]) == (
        "11",
        "5733CA9E09F64B058DA991CBFB90C5C857C44CF1",
    )


def test_download_sample_product_has_the_sample_image(committed):
    assert _product(committed, "ACS-1800-RM-19=")["mdfId"] == "286305578"
    images = [
        i
        for st in _product_types(committed, "ACS-1800-RM-19=")
        for s in st["operatingSystems"]
        for r in s["releases"]
        for i in r["images"]
    ]
    sample = next(i for i in images if i["imageGuid"] == "25856C5890AE73F8EDBEEDA441EC901F8FC8362E")
    assert sample["name"] == "n9000-epld.7.0.3.I7.9.img"
    assert (sample["simRestriction"], sample["isDeleted"]) == ("", "N")


def test_metadata_images_sample_names(committed):
    names = _images_by_name(committed)
    tar = names["me360x-universalk9-tar.153-3.S4.tar"]
    assert (tar["size"], tar["featureSetDescription"], tar["minDram"], tar["minFlash"]) == (
        "28672000",
        "UNIVERSAL TAR",
        "1024",
        "64",
    )
    assert "c1700-y-mz.124-13a.bin" in names
    epld = names["m9000-epld-3.2.1.img"]
    assert (epld["size"], epld["isDeleted"], epld["deletedDate"], epld["releaseDate"]) == (
        "3211204",
        "Y",
        "2010-07-28",
        "2007-09-17",
    )
    assert names["2506tania3.bin"]["size"] == "17"


@pytest.mark.parametrize("name", ["testVPN_3.bin", "2506tania3.bin", "testfile1.exe", "AnalogFWLoader-5.4.4.exe"])
def test_small_image_digests_are_those_of_the_simulator_bytes(committed, name):
    image = _images_by_name(committed)[name]
    assert ImageBytes(image["imageGuid"], int(image["size"])).digests() == (image["md5"], image["sha512"])


# --- builder -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_pids", [0, 1, 5, 37])
def test_generate_gives_exactly_n_pids(n_pids):
    catalog = catalog_build.generate(n_pids, image_size=64)
    assert len(catalog["products"]) == n_pids
    assert catalog_problems(catalog, digests=False) == []


def test_generate_is_deterministic_for_a_seed_and_varies_with_it():
    assert catalog_build.generate(40, seed=7) == catalog_build.generate(40, seed=7)
    assert catalog_build.generate(40, seed=7) != catalog_build.generate(40, seed=8)


def test_generate_image_size_overrides_every_size():
    catalog = catalog_build.generate(20, seed=1, image_size=4096)
    assert {image["size"] for image in catalog_build.iter_images(catalog)} == {"4096"}
    assert len({image["size"] for image in catalog_build.iter_images(catalog_build.generate(20, seed=1))}) > 1


def test_fill_digests_hashes_new_images_and_reuses_unchanged_ones():
    first = catalog_build.generate(6, seed=2, image_size=3000)
    stats = catalog_build.fill_digests(first, previous=None)
    images = list(catalog_build.iter_images(first))
    assert (stats.hashed, stats.reused) == (len(images), 0)
    assert catalog_problems(first, digests=True) == []
    assert (images[0]["md5"], images[0]["sha512"]) == ImageBytes(images[0]["imageGuid"], 3000).digests()

    second = catalog_build.generate(6, seed=2, image_size=3000)
    next(catalog_build.iter_images(second))["size"] = "3001"
    stats = catalog_build.fill_digests(second, previous=first)
    assert (stats.hashed, stats.reused) == (1, len(images) - 1)
    changed = next(catalog_build.iter_images(second))
    assert (changed["md5"], changed["sha512"]) == ImageBytes(changed["imageGuid"], 3001).digests()


def test_command_line_rebuild_reproduces_the_committed_file(tmp_path, committed):
    out = tmp_path / "catalog.json"
    assert catalog_build.main(["--out", str(out), "--previous", str(catalog_build.DEFAULT_PATH)]) == 0
    assert out.read_bytes() == catalog_build.DEFAULT_PATH.read_bytes()
