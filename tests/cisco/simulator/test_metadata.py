"""metadata/pidrelease, metadata/pidimage and metadata/images: selection, ordering, pagination, spellings."""

from __future__ import annotations

import pytest

from tests.cisco.simulator.helpers import assert_error, catalog_images, images_of, releases_of

BIG = [f"16.12.{n}" for n in range(1, 11)] + [f"17.{m}.{p}" for m in range(3, 7) for p in range(1, 6)] + ["17.9.4a"]


def _pidrelease(sim, pid, current, output, **extra):
    return sim.post(
        "metadata/pidrelease", {"pid": pid, "currentReleaseVersion": current, "outputReleaseVersion": output, **extra}
    )


def test_latest_is_the_newest_live_release_of_each_software_type(sample_simulator):
    body = _pidrelease(sample_simulator, "N9K-C93180YC-FX", "9.3(9)", "latest").json()
    # 10.4(1)F is newer but all its images are deleted, so it is not "latest".
    assert releases_of(body) == [("NX-OS System Software", "10.3(4a)M"), ("NX-OS EPLD Updates", "10.2(5)M")]


def test_above_lists_every_newer_release_newest_first(sample_simulator):
    body = _pidrelease(sample_simulator, "SIM-BIG-1", "17.5.3", "above").json()
    versions = [version for _, version in releases_of(body)]
    assert versions == ["17.9.4a", "17.6.5", "17.6.4", "17.6.3", "17.6.2", "17.6.1", "17.5.5", "17.5.4"]


def test_a_specific_release_is_found_whatever_its_leading_zeros(sample_simulator):
    for asked in ("17.9.4a", "17.09.04a"):
        body = _pidrelease(sample_simulator, "SIM-BIG-1", "16.12.1", asked).json()
        assert releases_of(body) == [("IOS XE Software", "17.9.4a")]
        assert images_of(body)[0]["name"] == "sim9k_iosxe.17.9.4a.SPA.bin"


def test_release_fields_come_from_the_catalog(sample_simulator):
    body = _pidrelease(sample_simulator, "SIM-BIG-2", "16.12.1", "17.9.4a").json()
    release = body["metadata"][0]["products"][0]["softwareTypes"][0]["operatingSystems"][0]["releases"][0]
    assert (release["isSuggested"], release["lifeCycle"]) == ("Y", "MD")
    image = release["images"][0]
    assert image["size"] == catalog_images()[image["name"]]["size"]
    assert image["encryptionSoftwareIndicator"] == "Y"
    assert body["metadata"][0]["products"][0]["mdfId"] == "999000011"


def test_table_spellings_of_field_names_are_accepted(sample_simulator):
    body = sample_simulator.post(
        "metadata/pidrelease",
        {"PID": "SIM-BIG-1", "currentReleaseVersion": "17.6.4", "OutputReleaseVersion": "Above", "perpage": 1},
    ).json()
    assert body["pagination"] == {"pageIndex": 1, "lastIndex": 2, "totalRecords": 2, "pageRecords": 1}


def test_pid_with_vid_suffix_is_understood(sample_simulator):
    response = _pidrelease(sample_simulator, "ACS-1800-RM-19=VID:V01", "1.0", "latest")
    assert response.status_code == 200
    assert response.json()["metadata"][0]["pid"] == "ACS-1800-RM-19="


def test_full_pagination_walk(sample_simulator):
    seen, transactions, page_index, last = [], set(), 1, None
    while True:
        body = _pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above", pageIndex=page_index, perPage=7).json()
        pagination = body["pagination"]
        assert pagination["pageIndex"] == page_index
        assert pagination["totalRecords"] == len(BIG)
        last = pagination["lastIndex"]
        assert pagination["pageRecords"] == (7 if page_index < last else len(BIG) - 7 * (last - 1))
        seen += [version for _, version in releases_of(body)]
        transactions.add(body["metadataTransId"])
        if page_index == last:
            break
        page_index += 1
    assert last == 5
    assert sorted(seen) == sorted(BIG) and len(seen) == len(set(seen))
    assert len(transactions) == last  # every page is its own transaction
    past = _pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above", pageIndex=last + 1, perPage=7)
    assert_error(past, "NO_DATA_FOUND")


def test_per_page_defaults_to_25_and_never_exceeds_it(sample_simulator):
    default = _pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above").json()["pagination"]
    capped = _pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above", perPage="100").json()["pagination"]
    assert default == capped == {"pageIndex": 1, "lastIndex": 2, "totalRecords": 31, "pageRecords": 25}


@pytest.mark.parametrize("paging", [{"pageIndex": 0}, {"perPage": "many"}, {"perPage": -3}, {"pageIndex": True}])
def test_bad_paging_is_invalid_input(sample_simulator, paging):
    assert_error(_pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above", **paging), "INVALID_INPUT")


def test_pidimage_reports_unknown_names_and_paginates(sample_simulator):
    names = ["sim9k_iosxe.17.6.1.SPA.bin", "sim9k_iosxe.17.6.2.SPA.bin", "no-such-image.bin"]
    body = sample_simulator.post(
        "metadata/pidimage", {"pid": "SIM-BIG-1", "imageNames": names, "pageIndex": 2, "perPage": 1}
    ).json()
    assert body["invalidImages"] == ["no-such-image.bin"]
    assert body["pagination"] == {"pageIndex": 2, "lastIndex": 2, "totalRecords": 2, "pageRecords": 1}
    assert [image["name"] for image in images_of(body)] == ["sim9k_iosxe.17.6.1.SPA.bin"]


def test_pidimage_takes_a_comma_separated_string_too(sample_simulator):
    body = sample_simulator.post(
        "metadata/pidimage", {"pid": "SIM-BIG-1", "imageNames": "sim9k_iosxe.17.6.1.SPA.bin, other.bin"}
    ).json()
    assert body["invalidImages"] == ["other.bin"]
    assert body["pagination"]["totalRecords"] == 1


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("pidimage", {"pid": "SIM-BIG-1", "imageNames": ["x.bin"]}),
        ("pidimage", {"pid": "SIM-BIG-1", "imageNames": ["sim-plain.bin"]}),  # an image, but of another PID
        ("pidrelease", {"pid": "SIM-BIG-1", "currentReleaseVersion": "17.9.4a", "outputReleaseVersion": "above"}),
        ("pidrelease", {"pid": "SIM-BIG-1", "currentReleaseVersion": "1.0", "outputReleaseVersion": "99.1.1"}),
        (
            "pidrelease",
            {"pid": "SIM-BIG-1", "currentReleaseVersion": "1.0", "outputReleaseVersion": "latest", "pageIndex": 3},
        ),
        ("pidimage", {"pid": "SIM-BIG-1", "imageNames": ["sim9k_iosxe.17.9.4a.SPA.bin"], "pageIndex": 2}),
    ],
)
def test_both_metadata_variants_answer_no_data_the_same_way(sample_simulator, endpoint, body):
    assert_error(sample_simulator.post(f"metadata/{endpoint}", body), "NO_DATA_FOUND")


@pytest.mark.parametrize("endpoint", ["pidimage", "pidrelease"])
def test_an_unknown_pid_is_no_data_found_for_pid_in_both_variants(sample_simulator, endpoint):
    body = {
        "pid": "NO-SUCH-PID",
        "imageNames": ["x.bin"],
        "currentReleaseVersion": "1.0",
        "outputReleaseVersion": "latest",
    }
    assert_error(sample_simulator.post(f"metadata/{endpoint}", body), "NO_DATA_FOUND_FOR_PID")


def test_deleted_images_say_is_deleted_and_carry_no_exception(sample_simulator):
    flat = sample_simulator.post("metadata/images", {"imageNames": ["m9000-epld-3.2.1.img"]}).json()["metadata"][0]
    assert (flat["isDeleted"], flat["deletedDate"], flat["exception"]) == ("Y", "2010-07-28", [])
    nested = sample_simulator.post("metadata/pidimage", {"pid": "DS-C9148-K9", "imageNames": ["m9000-epld-3.2.1.img"]})
    (image,) = images_of(nested.json())
    assert (image["isDeleted"], image["exception"]) == ("Y", [])


def test_above_includes_deleted_releases_flagged_as_such(sample_simulator):
    body = _pidrelease(sample_simulator, "N9K-C93180YC-FX", "10.3(4a)M", "above").json()
    assert releases_of(body) == [("NX-OS System Software", "10.4(1)F")]
    assert [image["isDeleted"] for image in images_of(body)] == ["Y"]


def test_a_transaction_id_covers_the_images_of_its_page_only(sample_simulator):
    first = _pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above", perPage=1, pageIndex=1).json()
    second = _pidrelease(sample_simulator, "SIM-BIG-1", "1.0", "above", perPage=1, pageIndex=2).json()
    assert first["metadataTransId"] != second["metadataTransId"]
    sample_simulator.accept_forms()
    body = {"pid": "SIM-BIG-1", "mdfId": "999000010", "metadataTransId": first["metadataTransId"]}
    other_page_guid = images_of(second)[0]["imageGuid"]
    assert_error(
        sample_simulator.post("download/pidimage", body | {"imageGuids": [other_page_guid]}), "IMAGE_GUID_INVALID"
    )
    own = images_of(first)[0]["imageGuid"]
    assert sample_simulator.post("download/pidimage", body | {"imageGuids": [own]}).json()["downloads"][0]["url"]


@pytest.mark.parametrize("endpoint", ["pidimage", "images"])
def test_five_names_pass_and_six_are_too_many_even_with_duplicates(sample_simulator, endpoint):
    five = ["sim-plain.bin"] * 5
    assert sample_simulator.post(f"metadata/{endpoint}", {"pid": "SIM-DL-1", "imageNames": five}).status_code == 200
    six = ["sim-plain.bin"] * 5 + ["sim-cloud.bin"]
    assert_error(
        sample_simulator.post(f"metadata/{endpoint}", {"pid": "SIM-DL-1", "imageNames": six}), "IMAGE_LIMIT_EXCEEDED"
    )
    comma = ",".join(["sim-plain.bin"] * 6)
    assert_error(
        sample_simulator.post(f"metadata/{endpoint}", {"pid": "SIM-DL-1", "imageNames": comma}), "IMAGE_LIMIT_EXCEEDED"
    )


def test_images_is_flat_with_integer_sizes_and_ids(sample_simulator):
    body = sample_simulator.post("metadata/images", {"imageNames": ["sim-plain.bin", "nxos64-cs.10.4.1F.bin"]}).json()
    plain, deleted = body["metadata"]
    assert plain["imageSize"] == 3 * (1 << 20) + 123
    assert plain["softwareTypeId"] == 999000100
    assert plain["featureSetDescription"] == "BASE"
    assert "deletedDate" not in plain
    assert (deleted["isDeleted"], deleted["deletedDate"]) == ("Y", "2024-01-01")
    assert plain["md5"] == catalog_images()["sim-plain.bin"]["md5"]


def test_restricted_images_carry_their_exception_in_metadata(sample_simulator):
    body = sample_simulator.post("metadata/images", {"imageNames": ["sim-contract.bin"]}).json()
    assert [e["code"] for e in body["metadata"][0]["exception"]] == ["CONTRACT_IMG_REQ"]
