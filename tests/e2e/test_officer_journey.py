"""The compliance officer's journey in a real browser: the queue badge, the K9 form as Cisco delivers it,
accept, and the held download moves on by itself (simulator over HTTP, a real worker, Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from compliance.choices import FormKind
from compliance.models import Decision, FormSnapshot
from compliance.receivers import refresh_throttle_key
from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.services import download_job_request
from tests.factories_compliance import audit_rows_clear
from tests.waiting import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CRYPTO = {"pid": "SIM-DL-1", "image_name": "sim-crypto-k9.bin", "mdf_id": "999000001"}


@pytest.fixture
def simulator(sample_simulator):
    """The simulator on the small sample catalog (SIM-DL-1 has a 20 kB K9 image); ``upstream`` builds on it."""
    return sample_simulator


@pytest.fixture(autouse=True)
def _audit_rows_cleared(transactional_db) -> Iterator[None]:
    cache.delete(refresh_throttle_key("k9"))  # an earlier test's refresh must not hold back this one's
    yield
    audit_rows_clear()  # before pytest-django's flush, which the append-only guard would refuse


def job_state(job_id: int) -> str:
    return DownloadJob.objects.values_list("state", flat=True).get(pk=job_id)


def test_officer_accepts_k9_from_the_queue_and_the_download_moves_on(page, login, officer, engineer, upstream,
                                                                    start_worker):  # fmt: skip
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    start_worker(**upstream.env)
    job = download_job_request(**CRYPTO, requested_by=engineer)
    wait_for(lambda: job_state(job.pk) == JobState.AWAITING_COMPLIANCE, "the job to wait on the K9 form")
    wait_for(lambda: FormSnapshot.objects.filter(kind=FormKind.K9).exists(), "the worker to fetch the K9 form")

    login("off", "pw-off")
    badge = page.locator("#badge-compliance-queue")
    assert badge.inner_text() == "1"
    page.click("nav >> text=Compliance queue")
    queue_row = page.locator(f"#queue-k9 #job-{job.pk}")
    assert "sim-crypto-k9.bin" in queue_row.inner_text() and "K9_FORM_AR" in queue_row.inner_text()

    page.click("#open-k9")
    page.wait_for_url("**/compliance/forms/k9/")
    form = page.locator("#form-k9")
    assert "Business division's function" in form.inner_text()  # Cisco's label, from k9Content
    assert "Encryption Software Registration" in form.inner_text()
    assert page.locator("#cisco-user").is_visible()
    assert page.input_value("#id_file_names") == "sim-crypto-k9.bin"
    page.check("#bus-commercial")
    page.check("#confirm")
    page.click("#accept")

    page.wait_for_url("**/compliance/")
    assert "1 download resumed." in page.locator(".messages").inner_text()
    assert page.locator("#badge-compliance-queue").count() == 0
    decision = Decision.objects.get()
    assert decision.posted_ok and decision.decided_by == officer and decision.status == "Accepted"

    wait_for(lambda: job_state(job.pk) in (JobState.STORED, JobState.FAILED, JobState.BLOCKED), "the download")
    assert job_state(job.pk) == JobState.STORED, DownloadJob.objects.get(pk=job.pk).reason
    page.reload()
    assert page.locator(f"#job-{job.pk}").count() == 0
    assert "Nothing waits on this form" in page.locator("#queue-k9").inner_text()


def test_officer_declines_k9_then_accepts_and_the_blocked_download_resumes(page, login, officer, engineer, upstream,
                                                                          start_worker):  # fmt: skip
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()
    worker = start_worker(**upstream.env)
    job = download_job_request(**CRYPTO, requested_by=engineer)
    wait_for(lambda: job_state(job.pk) == JobState.AWAITING_COMPLIANCE, "the K9 hold", worker=worker)
    wait_for(lambda: FormSnapshot.objects.filter(kind=FormKind.K9).exists(), "the K9 snapshot", worker=worker)

    login("off", "pw-off")
    page.click("nav >> text=Compliance queue")
    page.click("#open-k9")
    page.wait_for_url("**/compliance/forms/k9/")
    # Before anyone answers, the page says what a decline needs as well.
    assert "a decline too" in page.locator("#answer-needs").inner_text()
    page.check("#bus-commercial")
    page.check("#confirm")
    page.fill("#id_comments", "no export licence yet")
    page.click("#decline")
    page.wait_for_url("**/compliance/")
    assert "1 waiting download is now blocked by compliance" in page.locator(".messages").inner_text()
    row = page.locator(f"#blocked-k9 #job-{job.pk}")
    assert "sim-crypto-k9.bin" in row.inner_text() and "eng" in row.inner_text()
    assert "no export licence yet" in row.inner_text()
    assert job_state(job.pk) == JobState.BLOCKED_BY_COMPLIANCE

    row.locator("a").click()  # the officer's view of the job: blocked by compliance, never "press Retry"
    page.wait_for_url(f"**/downloads/jobs/{job.pk}/")
    assert page.locator("[data-state=blocked_by_compliance]").first.is_visible()
    assert "retry" not in page.locator("#job-progress").inner_text().lower()

    page.goto("/compliance/forms/k9/")
    page.check("#bus-commercial")
    page.check("#confirm")
    page.click("#accept")
    page.wait_for_url("**/compliance/")
    assert "1 download resumed." in page.locator(".messages").inner_text()
    ended = (JobState.STORED, JobState.FAILED, JobState.BLOCKED, JobState.BLOCKED_BY_COMPLIANCE)
    wait_for(lambda: job_state(job.pk) in ended, "the resumed download", worker=worker)
    assert job_state(job.pk) == JobState.STORED, DownloadJob.objects.get(pk=job.pk).reason
    page.reload()
    assert page.locator(f"#job-{job.pk}").count() == 0
    page.goto(f"/downloads/jobs/{job.pk}/")
    assert page.locator("[data-state=stored]").first.is_visible()


def test_hostile_form_content_runs_nothing_in_a_real_browser(page, login, officer):
    from tests.factories_compliance import snapshot

    payloads = (
        '<script>alert("script")</script><img src=x onerror=alert("onerror")><svg onload=alert("svg")></svg>'
        '<a id="js-link" href="javascript:alert(\'link\')">click me</a><iframe src="javascript:alert(1)"></iframe>'
        '<p style="background:url(javascript:alert(2))">styled</p><a id="data-link" href="data:text/html,x">d</a>'
    )
    snapshot(FormKind.K9, k9Form=payloads, govMilitaryText=payloads, acceptLabel=payloads)
    snapshot(FormKind.EULA, content=payloads, label=payloads)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login("off", "pw-off")
    for path in ("/compliance/forms/k9/", "/compliance/forms/eula/"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.locator("iframe, svg, img, [style]").count() == 0
        for link in page.locator("a:text('click me')").all():
            assert link.get_attribute("href") is None
            link.click()
        if path.endswith("/k9/"):  # the hostile accept label is shown as text
            assert page.locator("#accept").inner_text().startswith('<script>alert("script")</script>')
    assert dialogs == []
