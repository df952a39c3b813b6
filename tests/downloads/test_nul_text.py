"""Upstream text with NUL characters (PostgreSQL text refuses them) still saves on the job, as U+FFFD.

Runs on whatever DATABASE_URL names: on SQLite a NUL would be kept silently, so the assertions check the
replacement itself, not only that the save worked.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.services.authorize import Step, authorize
from portal.cisco.errors import ImageOutcome
from portal.cisco.exceptions import AsdError
from portal.cisco.payloads import DownloadOffer, DownloadUrls, ImageException

pytestmark = pytest.mark.django_db

GUID = "NULTESTGUID1"


class _Upstream:
    """Answers like the ASD client would, with NUL characters in its exception text."""

    def __init__(self, *, offer: DownloadOffer | None = None, error: AsdError | None = None) -> None:
        self.offer, self.error = offer, error

    def iter_images_by_pid(self, *, pid: str, image_names: list[str]):
        raise self.error

    def download_urls(self, *, pid: str, mdf_id: str, metadata_trans_id: str, image_guids: list[str]) -> DownloadUrls:
        return DownloadUrls(
            session_id="s", offers=(self.offer,), acceptance_form={}, pagination=None, issued_at=timezone.now()
        )


def _job(**fields) -> DownloadJob:
    return DownloadJob.objects.create(pid="ISR4331/K9", image_name="nul-test.bin", state=JobState.AUTHORIZING, **fields)


def test_a_blocked_answer_with_nul_in_its_exception_saves_on_the_job():
    job = _job(
        image_guid=GUID,
        mdf_id="1",
        metadata_trans_id="t1",
        metadata_at=timezone.now(),
        expected_sha512="ab" * 64,
    )
    refusal = ImageException(code="BLOCK\x00ED", message="refused\x00 here", outcome=ImageOutcome.BLOCKED)
    offer = DownloadOffer(
        image_guid=GUID,
        image_name="nul-test.bin",
        url=None,
        token="",
        session_id="s",
        exceptions=(refusal,),
        outcome=ImageOutcome.BLOCKED,
        issued_at=timezone.now(),
    )

    assert authorize(_Upstream(offer=offer), [job]).steps == {job.pk: Step.BLOCKED}

    job.refresh_from_db()
    assert job.state == JobState.BLOCKED
    assert job.upstream_code == "BLOCK\ufffdED"
    assert job.upstream_message == "refused\ufffd here"


def test_an_upstream_error_with_nul_fails_the_job_with_the_text_kept():
    job = _job()
    error = AsdError("bad\x00 request", code="ERR\x00")

    assert authorize(_Upstream(error=error), [job]).steps == {job.pk: Step.FAILED}

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.upstream_code == "ERR\ufffd"
    assert job.upstream_message == "bad\ufffd request"
    assert job.reason == "The upstream refused the request: bad\ufffd request"
