"""Loading catalogs: shared software type sets, validation, PID lookup, lazy digests; the default catalog."""

from __future__ import annotations

import copy
import json

import pytest

from portal.cisco.simulator import catalog_build
from portal.cisco.simulator.catalog import CatalogError, load_catalog, parse_catalog
from portal.cisco.simulator.content import ImageBytes
from tests.fixtures.simulator import DEFAULT_CATALOG, SAMPLE_CATALOG


@pytest.fixture(scope="module")
def raw():
    return json.loads(SAMPLE_CATALOG.read_text(encoding="utf-8"))


def test_products_sharing_a_set_share_its_images(raw):
    catalog = parse_catalog(raw)
    one, two = catalog.product("SIM-BIG-1"), catalog.product("SIM-BIG-2")
    assert one.software_types is two.software_types
    assert len(catalog.rows(one)) == 31
    image = catalog.rows(one)[0].image
    assert catalog.images_by_guid[image.guid] is image
    assert catalog.images_by_name[image.name] == [image]


def test_pid_lookup_tolerates_vid_suffixes_and_spare_equals(raw):
    catalog = parse_catalog(raw)
    expected = catalog.products["ACS-1800-RM-19="]
    for asked in ("ACS-1800-RM-19=", "ACS-1800-RM-19", "ACS-1800-RM-19=VID:V01", " ACS-1800-RM-19= "):
        assert catalog.product(asked) is expected
    assert catalog.product("SIM-BIG-1=") is catalog.products["SIM-BIG-1"]
    assert catalog.product("NOPE") is None


def test_sim_fields_stay_off_the_wire_fields(raw):
    image = parse_catalog(raw).images_by_name["sim-cloud.bin"][0]
    assert image.delivery == "cloud"
    assert not any(key.startswith("sim") for key in image.fields)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda c: c.pop("format"), "format-1"),
        (lambda c: c["products"].append(copy.deepcopy(c["products"][0])), "duplicate pid"),
        (
            lambda c: c["products"][-1]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][0].update(
                imageGuid="abc"
            ),
            "40 upper-case hex",
        ),
        (
            lambda c: c["products"][-1]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][0].update(
                size="big"
            ),
            "not an integer",
        ),
        (
            lambda c: c["products"][-1]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][0].update(
                simDelivery="pigeon"
            ),
            "simDelivery",
        ),
        (lambda c: c["products"][-1].pop("mdfId"), "missing 'mdfId'"),
        (lambda c: c["products"][-1].update(softwareTypeSet="nope"), "unknown softwareTypeSet"),
    ],
)
def test_invalid_catalogs_are_refused_with_a_reason(raw, mutate, message):
    broken = copy.deepcopy(raw)
    mutate(broken)
    with pytest.raises(CatalogError, match=message):
        parse_catalog(broken)


def test_one_guid_for_two_different_images_is_refused(raw):
    broken = copy.deepcopy(raw)
    images = broken["products"][-1]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"]
    images[1]["imageGuid"] = images[0]["imageGuid"]
    with pytest.raises(CatalogError, match="two different images"):
        parse_catalog(broken)


def test_missing_digests_are_computed_once_from_the_bytes(raw):
    stripped = copy.deepcopy(raw)
    image_raw = stripped["products"][-1]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][1]
    image_raw["md5"] = image_raw["sha512"] = ""
    catalog = parse_catalog(stripped)
    image = catalog.images_by_guid[image_raw["imageGuid"]]
    assert catalog.digests(image) == ImageBytes(image.guid, image.size).digests()
    assert catalog.digests(image) is catalog.digests(image)  # cached


def test_missing_or_malformed_files_raise_catalog_error(tmp_path):
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON"):
        load_catalog(bad)


def test_default_catalog_loads_and_small_images_have_the_digests_of_their_bytes():
    catalog = load_catalog(DEFAULT_CATALOG)
    assert len(catalog.products) >= 10
    smallest = sorted(catalog.images_by_guid.values(), key=lambda image: image.size)[:3]
    for image in smallest:
        assert (image.fields["md5"], image.fields["sha512"]) == ImageBytes(image.guid, image.size).digests()


def test_external_urls_must_not_smuggle_headers(raw):
    broken = copy.deepcopy(raw)
    image = broken["products"][-1]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]["images"][0]
    image["simExternalUrl"] = "http://cdn.example/x\r\nSet-Cookie: a=b"
    with pytest.raises(CatalogError, match="simExternalUrl"):
        parse_catalog(broken)


def test_factory_serves_a_generated_catalog_dict(simulator_factory):
    generated = catalog_build.generate(2, seed=7, image_size=2048)
    sim = simulator_factory(generated, "--qps", "0")
    sim.reset()
    pid = generated["products"][0]["pid"]
    body = sim.post("metadata/pidrelease", {"pid": pid, "currentReleaseVersion": "0", "outputReleaseVersion": "latest"})
    assert body.status_code == 200, body.text
    image = body.json()["metadata"][0]["products"][0]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]
    image = image["images"][0]
    assert image["size"] == "2048"
    assert (image["md5"], image["sha512"]) == ImageBytes(image["imageGuid"], 2048).digests()  # computed lazily
