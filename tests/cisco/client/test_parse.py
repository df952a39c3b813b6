"""The spec's sample responses become typed payloads with the quirks normalised and nothing dropped."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.cisco import parse
from portal.cisco.errors import ImageOutcome
from portal.cisco.exceptions import ProtocolError
from portal.cisco.payloads import to_jsonable

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def test_pidrelease_sample_is_flattened_with_types_normalised(sample):
    page = parse.release_page(sample("pidrelease_resp"), NOW)
    assert page.pagination.page_index == 1 and page.pagination.last_index == 5 and page.has_next
    assert page.metadata_trans_id == "45264903312820837"
    [record] = page.records
    assert record.pid == "ASR10012XOC3POS-RF"
    assert record.mdf_id == 277873116  # "277873116" on the wire
    assert record.software_type_id == 283724313
    assert record.operating_system == "Windows XP"
    assert record.version == "JuLy_TeSt(1.5E)"  # Cisco's text kept
    assert record.lifecycle == "MD"  # spelled lifeCycle in the sample
    assert record.fcs_date == dt.date(2020, 7, 10)
    assert record.is_suggested is False
    assert record.metadata_trans_id == page.metadata_trans_id
    [image] = record.images
    assert image.size == 1048197 and image.name == "testfile1.exe"
    assert image.deleted_date is None  # "" on the wire
    assert image.release_date == dt.date(2020, 7, 10)
    assert image.additional_entitlement is True and image.psirt_indicator is False
    assert image.exceptions[0].code == "IAC_ERROR"
    assert image.outcome is ImageOutcome.BLOCKED
    assert image.migration_target_retirement_date is None


def test_pidimage_sample_keeps_invalid_images(sample):
    page = parse.release_page(sample("pidimage_resp"), NOW)
    assert page.invalid_images == ("testfile1.exe",)
    [record] = page.records
    assert record.images[0].is_related is True and record.images[0].encryption_software is True
    assert record.images[0].size == 11


def test_images_sample_flat_shape(sample):
    result = parse.image_status_result(sample("images_resp"))
    assert result.invalid_images == ()
    first, second, third = result.images
    assert first.image_size == 17 and first.software_type_id == 283724313
    assert first.image_docs[0].name == "notes label" and first.image_docs[0].type == "Image Document"
    assert second.min_dram == "1024" and second.encryption_software is True
    assert third.is_deleted is True and third.deleted_date == dt.date(2010, 7, 28)
    assert third.sha512 == "" and third.release_fcs_date == dt.date(2007, 9, 17)


def test_compliance_samples_keep_raw_content(sample):
    k9 = parse.k9_form(sample("k9_get_resp"))
    assert k9.sub_app_version == "9" and k9.web_form.endswith("/k9")
    assert k9.content["CommercialCivilianValue"] == "COMM_OR_CIVIL"  # odd capital kept as delivered
    assert k9.user_details is not None and k9.user_details.email == "emily.stewart@123.com"
    assert k9.raw == sample("k9_get_resp")
    eula = parse.eula_form(sample("eula_get_resp"))
    assert eula.sub_app_version == "19" and eula.content["acceptButtonValue"] == "Accepted"
    result = parse.submit_result(sample("k9_post_resp"))
    assert result.ok and result.status_message == "success"


def test_download_sample(sample):
    urls = parse.download_urls(sample("download_resp"), NOW)
    assert urls.session_id == "205785277984030082" and urls.acceptance_form == {}
    [offer] = urls.offers
    assert offer.image_name == "n9000-epld.7.0.3.I7.9.img"
    assert offer.session_id == urls.session_id and not offer.is_cloud
    assert offer.outcome is None and offer.downloadable
    assert offer.url and offer.url.startswith("https://dl-stage.cisco.com/")
    assert "dwnld_code" not in repr(offer)  # the URL is a credential for 60 minutes
    assert to_jsonable(offer)["url"] == "***"


def test_unknown_fields_are_kept_and_alternative_spellings_read():
    data = {
        "metadataTransId": "1",
        "newTopLevel": {"x": 1},
        "metadata": [
            {
                "pid": "P",
                "products": [
                    {
                        "mdfId": 5,
                        "softwareTypes": [
                            {
                                "softwareTypeId": "7",
                                "operatingSystems": [
                                    {
                                        "name": "IOS",
                                        "releases": [
                                            {
                                                "version": "17.9.4a",
                                                "lifecycle": "ED",
                                                "fieldNoticeUrl": "https://fn",
                                                "futureField": "kept",
                                                "images": [
                                                    {"name": "a.bin", "size": 12, "Md5": "abc", "imageNew": [1]},
                                                ],
                                            }
                                        ],
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
    }
    page = parse.release_page(data, NOW)
    record = page.records[0]
    assert record.lifecycle == "ED" and record.field_notice == "https://fn"
    assert record.extra == {"futureField": "kept"}
    assert record.images[0].md5 == "abc" and record.images[0].extra == {"imageNew": [1]}
    assert page.extra == {"newTopLevel": {"x": 1}}
    assert page.pagination.last_index == 1 and not page.has_next  # no pagination block: one page


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (12, 12), ("", None), (None, None), ("1.5", None), (True, None), (" 7 ", 7), (3.0, 3)],
)
def test_as_int(value, expected):
    assert parse.as_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("Y", True), ("y", True), ("N", False), ("", False), (None, False), (True, True)]
)
def test_as_bool(value, expected):
    assert parse.as_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-07-10", dt.date(2020, 7, 10)),
        ("", None),
        ("2020-13-01", None),
        ("2020-07-10T00:00:00", dt.date(2020, 7, 10)),
    ],
)
def test_as_date(value, expected):
    assert parse.as_date(value) == expected


def test_a_list_where_an_object_belongs_is_a_protocol_error():
    with pytest.raises(ProtocolError):
        parse.release_page({"metadata": [["not", "an", "object"]]}, NOW)
    with pytest.raises(ProtocolError):
        parse.release_page([], NOW)


def test_exception_outcomes_combine():
    urls = parse.download_urls(
        {
            "sessionId": "s",
            "downloads": [
                {"imageGuid": "A", "url": "", "exception": [{"code": "K9_FORM_ACC", "message": "k9"}]},
                {"imageGuid": "B", "url": "https://x", "token": "t", "exception": [{"code": "SW_ADV_IMAGE"}]},
                {"imageGuid": "C", "exception": [{"code": "K9_FORM_ACC"}, {"code": "EULA_FORM_ACC"}]},
                {"imageGuid": "D", "exception": [{"code": "SOMETHING_NEW", "message": "raw kept"}]},
            ],
        },
        NOW,
    )
    a, b, c, d = urls.offers
    assert a.outcome is ImageOutcome.NEEDS_K9 and a.url is None and not a.downloadable
    assert b.outcome is ImageOutcome.WARNING and b.is_cloud and b.downloadable
    assert c.outcome is ImageOutcome.NEEDS_K9_AND_EULA
    assert d.outcome is ImageOutcome.BLOCKED and d.exceptions[0].message == "raw kept"
