"""Every operation of the spec over real HTTP against the simulator: typed results, pagination, errors."""

from __future__ import annotations

import hashlib

import pytest

from portal.cisco.errors import ImageOutcome
from portal.cisco.exceptions import InvalidArgument, NoDataFound, TransactionExpired

from .conftest import api_requests

DL_PID = "SIM-DL-1"


def dl_images(client, *names):
    page = client.images_by_pid(pid=DL_PID, image_names=list(names))
    return page, {image.name: image for record in page.records for image in record.images}


def test_releases_latest_typed(sample_simulator, make_client):
    page = make_client(sample_simulator).releases(pid="ASR10012XOC3POS-RF", current_release="5.4.3")
    assert page.records and page.metadata_trans_id
    record = page.records[0]
    assert isinstance(record.mdf_id, int) and isinstance(record.software_type_id, int)
    assert all(isinstance(image.size, int) for image in record.images)
    assert record.metadata_trans_id == page.metadata_trans_id


def test_iter_releases_walks_every_page_and_normalises_versions(sample_simulator, make_client):
    client = make_client(sample_simulator)
    # "16.12.01" only matches the catalog's 16.12.1 once its leading zero is dropped.
    records = list(
        client.iter_releases(pid="SIM-BIG-1", current_release="16.12.01", output_release="above", per_page=4)
    )
    pages = api_requests(sample_simulator, "/metadata/pidrelease")
    first = client.releases(pid="SIM-BIG-1", current_release="16.12.1", output_release="above", per_page=4)
    assert len(records) == first.pagination.total_records > 4
    assert len(pages) == first.pagination.last_index
    assert len({r.version for r in records}) == len(records)
    assert "16.12.1" not in {r.version for r in records}
    assert len({r.metadata_trans_id for r in records}) == len(pages)  # each page its own transaction
    specific = client.releases(pid="SIM-BIG-1", current_release="16.12.1", output_release="17.09.04a")
    assert [r.version for r in specific.records] == ["17.9.4a"]


def test_images_by_pid_and_status_report_invalid_names(sample_simulator, make_client):
    client = make_client(sample_simulator)
    page, images = dl_images(client, "sim-plain.bin", "no-such.bin")
    assert page.invalid_images == ("no-such.bin",) and set(images) == {"sim-plain.bin"}
    status = client.image_status(image_names=["sim-plain.bin", "no-such.bin"])
    assert status.invalid_images == ("no-such.bin",)
    assert status.images[0].md5 == images["sim-plain.bin"].md5 and status.images[0].image_size == 3145851


def test_application_errors_are_typed_and_not_retried(sample_simulator, make_client):
    client = make_client(sample_simulator)
    with pytest.raises(NoDataFound) as info:
        client.releases(pid="NO-SUCH-PID", current_release="1.0")
    assert (info.value.code, info.value.http_status) == ("NO_DATA_FOUND_FOR_PID", 400)
    assert len(api_requests(sample_simulator, "/metadata/pidrelease")) == 1


def test_argument_errors_are_typed_and_nothing_is_sent(sample_simulator, make_client):
    client = make_client(sample_simulator)
    with pytest.raises(InvalidArgument, match="between 1 and 5"):
        client.image_status(image_names=[f"n{i}" for i in range(6)])
    with pytest.raises(InvalidArgument, match="per_page"):
        client.releases(pid="C9300-24P", current_release="17.9.4a", per_page=26)
    with pytest.raises(InvalidArgument, match="mandatory"):
        client.eula_submit(status="Declined")
    assert sample_simulator.log() == []


def test_forms_and_decisions(sample_simulator, make_client):
    client = make_client(sample_simulator)
    k9, eula = client.k9_form(), client.eula_form()
    assert k9.sub_app_version and k9.content and k9.web_form and k9.user_details is not None
    assert eula.sub_app_version and "content" in eula.content
    accepted = client.k9_submit(
        status="Accepted",
        confirm="CONFIRM_CHECKED",
        bus_function="COMM_OR_CIVIL",
        gov_mil_countries="GOV_OR_MIL_COUNTRIES_NO",
    )
    assert accepted.ok
    assert client.eula_submit(status="Declined", decline_comments="not now", file_names=["a.bin", "b.bin"]).ok
    decisions = sample_simulator.forms()["decisions"][sample_simulator.client_id]
    assert decisions["k9"]["status"] == "Accepted" and decisions["eula"]["status"] == "Declined"


def test_download_outcomes_before_and_after_forms(sample_simulator, make_client):
    client = make_client(sample_simulator)
    names = ["sim-plain.bin", "sim-crypto-k9.bin", "sim-contract.bin", "sim-login.bin", "sim-advisory.bin"]
    page, images = dl_images(client, *names)

    def offers():
        urls = client.download_urls(
            pid=DL_PID,
            mdf_id=page.records[0].mdf_id,
            metadata_trans_id=page.metadata_trans_id,
            image_guids=[images[n].image_guid for n in names],
        )
        return {o.image_name: o for o in urls.offers}, urls

    before, urls = offers()
    assert urls.session_id and urls.acceptance_form
    assert before["sim-plain.bin"].outcome is ImageOutcome.NEEDS_EULA
    assert before["sim-crypto-k9.bin"].outcome is ImageOutcome.NEEDS_K9_AND_EULA
    assert before["sim-contract.bin"].outcome is ImageOutcome.BLOCKED and not before["sim-contract.bin"].url
    assert before["sim-login.bin"].outcome is ImageOutcome.BLOCKED
    sample_simulator.accept_forms()
    after, _ = offers()
    assert after["sim-plain.bin"].downloadable and after["sim-crypto-k9.bin"].downloadable
    assert after["sim-advisory.bin"].outcome is ImageOutcome.WARNING and after["sim-advisory.bin"].downloadable
    assert after["sim-contract.bin"].outcome is ImageOutcome.BLOCKED


def test_expired_transaction_is_typed(sample_simulator, make_client):
    client = make_client(sample_simulator)
    page, images = dl_images(client, "sim-plain.bin")
    sample_simulator.advance_clock(3700)
    with pytest.raises(TransactionExpired) as info:
        client.download_urls(
            pid=DL_PID,
            mdf_id=page.records[0].mdf_id,
            metadata_trans_id=page.metadata_trans_id,
            image_guids=[images["sim-plain.bin"].image_guid],
        )
    assert info.value.code == "MTRANSID_EXPIRED"


def test_offer_bytes_match_the_published_md5(sample_simulator, make_client):
    sample_simulator.accept_forms()
    client = make_client(sample_simulator)
    page, images = dl_images(client, "sim-plain.bin", "sim-cloud.bin")
    urls = client.download_urls(
        pid=DL_PID,
        mdf_id=page.records[0].mdf_id,
        metadata_trans_id=page.metadata_trans_id,
        image_guids=[i.image_guid for i in images.values()],
    )
    for offer in urls.offers:
        with client.open_image(offer) as stream:
            digest = hashlib.md5()  # noqa: S324 - the checksum the API publishes
            for chunk in stream.iter_chunks(65536):
                digest.update(chunk)
        assert digest.hexdigest() == images[offer.image_name].md5, offer.image_name
        assert stream.total_size == images[offer.image_name].size and stream.offset == 0


def test_iterators_yield_nothing_when_no_release_matches(sample_simulator, make_client):
    client = make_client(sample_simulator)
    assert list(client.iter_releases(pid="SIM-BIG-1", current_release="17.9.4a", output_release="above")) == []
    with pytest.raises(NoDataFound):
        client.releases(pid="SIM-BIG-1", current_release="17.9.4a", output_release="above")
