"""Hostile upstream text over HTTP (the simulator's hostile switch): NUL, control characters and markup in per-image
exception messages, error messages and codes are saved on the job (NUL as U+FFFD: PostgreSQL text refuses NUL),
logged on one line, and rendered inert.

Runs on whatever DATABASE_URL names: on SQLite a NUL would be kept silently, so the assertions check the
replacement itself, not only that the save worked.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.services import download_job_run
from portal.cisco.simulator.hostile import DEFAULT_TEXT
from portal.core.text import text_clean
from tests.core.htmlcheck import problems
from tests.downloads import catalog

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = text_clean(DEFAULT_TEXT)  # what the database can keep of the hostile text


def _run(name: str, pid: str = catalog.PID) -> DownloadJob:
    job = DownloadJob.objects.create(pid=pid, image_name=name)  # nothing enqueued: the run is this process's
    download_job_run(job_id=job.pk)
    return DownloadJob.objects.get(pk=job.pk)


def test_a_refusal_with_hostile_text_blocks_the_job_with_the_text_kept(dl_upstream, client, engineer):
    dl_upstream.sim.hostile(exceptions=True)
    job = _run("dl-contract.bin")
    assert job.state == JobState.BLOCKED and job.upstream_code == "CONTRACT_IMG_REQ"
    assert job.upstream_message.endswith(SAVED) and "\x00" not in job.upstream_message
    assert "\ufffd<script>" in job.upstream_message  # NUL visibly replaced, the rest stored as received
    client.force_login(engineer)
    page = client.get(reverse("downloads:job-detail", args=[job.pk])).content.decode()
    assert "service contract" in page and problems(page) == []


def test_a_hostile_code_is_not_a_form_to_accept_and_is_saved_cut_to_size(dl_upstream):
    dl_upstream.sim.reset()  # forms not accepted: the answer is a form code, made unknown by the hostile text
    dl_upstream.sim.hostile(exceptions=True, codes=True)
    job = _run("dl-plain.bin")
    assert job.state == JobState.BLOCKED  # a code no table knows fails closed: never taken as a harmless warning
    assert job.upstream_code == text_clean("EULA_FORM_AR" + DEFAULT_TEXT)[:64]
    assert "\x00" not in job.upstream_code


def test_an_upstream_error_with_hostile_text_fails_the_job_and_logs_one_line(dl_upstream, caplog):
    dl_upstream.sim.hostile(errors=True)
    with caplog.at_level(logging.WARNING, logger="downloads"):
        job = _run("x.bin", pid="NOT-A-PID")
    assert job.state == JobState.FAILED and job.upstream_code
    assert job.upstream_message.endswith(SAVED) and job.reason.endswith(SAVED)
    assert job.reason.startswith("The upstream refused the request: ")
    [line] = [r.getMessage() for r in caplog.records if f"download job {job.pk} failed" in r.getMessage()]
    assert line.splitlines() == [line]  # one line, whatever line breaks the upstream sent (\r, \n, U+0085, U+2028)
    assert not any(ch in line for ch in "\x00\x01\x07\x08\x1b\x7f\u202e")  # no terminal escapes, no bidi tricks
    assert "<script>alert('asd')</script>" in line  # the text itself is kept, readable
