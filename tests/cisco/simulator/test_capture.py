"""Serving a catalog captured from a real account: the API's own answers, loaded as they came or merged."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from portal.cisco.simulator.capture import catalog_from_answers
from portal.cisco.simulator.catalog import CatalogError, load_catalog, parse_catalog
from portal.cisco.simulator.content import ImageBytes
from tests.cisco.simulator.helpers import images_of, releases_of, sample
from tests.fixtures.simulator import FAST_QPS, ROOT

PID = "ASR10012XOC3POS-RF"


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """The spec's pidrelease and pidimage sample answers, saved as a lab would save Cisco's."""
    path = tmp_path_factory.mktemp("capture") / "answers.json"
    path.write_text(json.dumps([sample("pidrelease_resp"), sample("pidimage_resp")]), encoding="utf-8")
    return path


def test_the_simulator_serves_captured_answers_as_they_came(simulator_factory, captured):
    sim = simulator_factory(captured, "--qps", FAST_QPS)
    sim.reset()
    body = sim.post(
        "metadata/pidrelease", {"pid": PID, "currentReleaseVersion": "1.0", "outputReleaseVersion": "latest"}
    )
    assert body.status_code == 200, body.text
    assert sorted(releases_of(body.json())) == [
        ("Analog Firmware Loader", "02mar2020"),
        ("Analog Firmware Loader", "JuLy_TeSt(1.5E)"),
    ]
    image = next(i for i in images_of(body.json()) if i["name"] == "testfile1.exe")
    # The captured contract refusal stays; the digests are those of the bytes the simulator serves.
    assert [e["code"] for e in image["exception"]] == ["IAC_ERROR"]
    assert (image["md5"], image["sha512"]) == ImageBytes(image["imageGuid"], 1048197).digests()


def test_answers_merge_into_one_product_and_keep_each_image_once():
    answers = [("a", sample("pidrelease_resp")), ("b", sample("pidimage_resp")), ("c", sample("pidrelease_resp"))]
    catalog = parse_catalog(catalog_from_answers(answers))
    (product,) = catalog.products.values()
    assert (product.pid, product.mdf_id) == (PID, "277873116")
    assert sorted(image.name for image in catalog.images_by_guid.values()) == ["testVPN_3.bin", "testfile1.exe"]
    assert {os.name for st in product.software_types for os in st.operating_systems} == {"Windows XP", "Windows 2000"}


def test_digests_and_sizes_as_asked():
    answers = [("a", sample("pidrelease_resp"))]
    kept = catalog_from_answers(answers, keep_digests=True)["products"][0]["softwareTypes"][0]
    image = kept["operatingSystems"][0]["releases"][0]["images"][0]
    assert image["md5"] == "5bd7b0afa53c83a08c2991467e0d93a0"  # Cisco's, for a metadata-only lab
    small = catalog_from_answers(answers, image_size=100, keep_digests=True)["products"][0]["softwareTypes"][0]
    image = small["operatingSystems"][0]["releases"][0]["images"][0]
    assert (image["size"], image["md5"]) == ("100", "")  # another size: Cisco's digests cannot hold


def test_the_capture_command_writes_a_catalog_with_the_simulators_digests(tmp_path, captured):
    out = tmp_path / "lab.json"
    command = [sys.executable, "-m", "portal.cisco.simulator.capture", str(captured), "--out", str(out)]
    done = subprocess.run(
        [*command, "--image-size", "4096", "--fill-digests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # noqa: S603
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}: 1 PIDs, 2 images"
    catalog = load_catalog(out)
    for image in catalog.images_by_guid.values():
        assert (image.fields["md5"], image.fields["sha512"]) == ImageBytes(image.guid, 4096).digests()


def test_a_status_answer_names_no_pid_and_is_refused(tmp_path):
    path = tmp_path / "status.json"
    path.write_text(json.dumps(sample("images_resp")), encoding="utf-8")
    with pytest.raises(CatalogError, match="names no PID"):
        load_catalog(path)
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "portal.cisco.simulator.capture", str(path), "--out", str(tmp_path / "x.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "names no PID" in done.stderr
