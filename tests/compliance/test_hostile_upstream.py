"""Hostile text from the upstream itself, over real HTTP: the simulator's hostile switch puts NUL, control
characters and markup into the forms, the exception messages and the error messages. Depot keeps them (SQLite and
PostgreSQL alike), shows them inert, records them in the audit trail and mails them as clean text."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from compliance.choices import FormKind
from compliance.models import Decision, FormSnapshot
from compliance.notifications import officers_notify_job_waiting
from compliance.selectors import audit_chain_verify
from compliance.services import form_snapshot_fetch
from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.services import download_job_request
from portal.cisco.simulator.hostile import DEFAULT_TEXT
from tests.compliance.conftest import page_post
from tests.core.htmlcheck import problems
from tests.fixtures.simulator import FAST_QPS, SAMPLE_CATALOG, Simulator
from tests.waiting import wait_for

K9_ACCEPT = {"status": "Accepted", "bus_function": "COMM_OR_CIVIL", "confirm": "on"}
CRYPTO = {"pid": "SIM-DL-1", "image_name": "sim-crypto-k9.bin", "mdf_id": "999000001"}
# What must never reach a page, an e-mail or a plain-text field: C0/C1 controls but tab and line breaks, DEL, bidi.
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")


def _clean_page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert problems(html) == [], path
    assert not CONTROLS.search(html), (path, CONTROLS.search(html))
    return html


@pytest.mark.django_db
def test_hostile_forms_are_kept_as_delivered_shown_inert_and_still_answered(client, officer, upstream):
    upstream.sim.hostile()
    k9 = form_snapshot_fetch(kind=FormKind.K9)
    eula = form_snapshot_fetch(kind=FormKind.EULA)
    # The raw answer is kept exactly, NUL included (as escaped JSON text, which PostgreSQL stores).
    stored = FormSnapshot.objects.get(pk=k9.pk)
    assert stored.raw["k9Content"]["acceptLabel"].endswith(DEFAULT_TEXT) and "\\u0000" in stored.raw_text
    assert FormSnapshot.objects.get(pk=eula.pk).raw["eulaContent"]["content"].endswith(DEFAULT_TEXT)
    client.force_login(officer)
    k9_page = _clean_page(client, "/compliance/forms/k9/")
    # A label is text: its markup is shown escaped, not run and not dropped.
    assert "&lt;script&gt;alert(&#x27;asd&#x27;)&lt;/script&gt;" in k9_page
    for path in ("/compliance/forms/eula/", f"/compliance/snapshots/{k9.pk}/", "/compliance/", "/compliance/forms/"):
        _clean_page(client, path)
    # The values posted back are Cisco's own, untouched by the hostile labels around them.
    assert page_post(client, "k9", **K9_ACCEPT).status_code == 302
    decision = Decision.objects.get()
    assert decision.posted_ok and decision.posted_values["busFunction"] == "COMM_OR_CIVIL"
    assert decision.posted_values["confirm"] == "CONFIRM_CHECKED"
    assert audit_chain_verify().ok
    _clean_page(client, "/compliance/audit/1/")


class TestAGatewayRefusal:
    """A refusal by the gateway whose message is hostile."""

    @pytest.fixture
    def simulator(self, simulator_factory):
        """The sample catalog with a daily quota of two calls: the form's fetch and the fresh look before an answer
        pass, and the answer itself is refused by the gateway (an error body the hostile switch reaches)."""
        handle = Simulator(simulator_factory(SAMPLE_CATALOG, "--qps", FAST_QPS, "--daily-quota", "2").url)
        handle.reset()
        yield handle
        handle.close()

    @pytest.mark.django_db
    def test_with_a_hostile_message_is_recorded_clean_and_shown_inert(self, client, officer, upstream):
        form_snapshot_fetch(kind=FormKind.K9)
        upstream.sim.hostile(forms=False)
        client.force_login(officer)
        response = page_post(client, "k9", **K9_ACCEPT)
        assert response.status_code == 502
        html = response.content.decode()
        assert problems(html) == [] and "Cisco refused the decision" in html
        attempt = Decision.objects.get()
        assert not attempt.posted_ok
        assert "<script>alert('asd')</script>" in attempt.upstream_status_message  # kept as said, NUL made visible
        assert "\x00" not in attempt.upstream_status_message and "\ufffd" in attempt.upstream_status_message
        assert audit_chain_verify().ok
        for path in ("/compliance/audit/", "/compliance/audit/1/", "/compliance/forms/k9/"):
            _clean_page(client, path)
        csv = client.get("/compliance/audit/export.csv")
        assert csv.status_code == 200 and not CONTROLS.search(b"".join(csv.streaming_content).decode())


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_download_held_with_a_hostile_message_is_queued_inert_and_mailed_clean(
    client, api_as, officer, engineer, upstream, start_worker, settings
):
    upstream.sim.hostile()
    upstream.sim.post("compliance/eula", {"status": "Accepted"}).raise_for_status()  # only K9 stands in the way
    worker = start_worker(**upstream.env)
    job = download_job_request(**CRYPTO, requested_by=engineer)
    held = wait_for(
        lambda: DownloadJob.objects.filter(
            pk=job.pk, state__in=[JobState.AWAITING_COMPLIANCE, JobState.FAILED]
        ).first(),
        "the K9 hold",
        worker=worker,
    )
    assert held.state == JobState.AWAITING_COMPLIANCE, held.reason
    assert "<script>alert('asd')</script>" in held.upstream_message and "\x00" not in held.upstream_message
    client.force_login(officer)
    queue = _clean_page(client, "/compliance/")
    assert f'id="job-{held.pk}"' in queue
    _clean_page(client, f"/downloads/jobs/{held.pk}/")
    row = api_as(officer).get("/api/v1/compliance/queue/").json()[0]["jobs"][0]
    assert row["id"] == held.pk and problems(row["upstream_message_html"]) == []
    text = row["upstream_message_text"]
    assert not CONTROLS.search(text) and "<script>" not in text and "alert('asd')" not in text  # the script went
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    officer.email = "officer@example.net"
    officer.save()
    assert officers_notify_job_waiting(job_id=held.pk) == 1
    message = mail.outbox[0]
    assert not CONTROLS.search(message.body) and not CONTROLS.search(message.subject)
    assert "<script>" not in message.body and "alert('asd')" not in message.body
