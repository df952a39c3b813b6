"""The compliance queue: waiting downloads grouped by form, the officers' badge and e-mail, and what accepting or
declining does to the waiting jobs."""

from __future__ import annotations

import pytest
from django.core import mail

from compliance.choices import FormKind
from compliance.services import form_snapshot_fetch
from downloads.choices import JobState
from downloads.models import DownloadJob
from downloads.signals import job_awaiting_compliance, send_awaiting_compliance
from tests.compliance.conftest import page_post
from tests.factories_compliance import record, snapshot

pytestmark = pytest.mark.django_db


def waiting(name: str, need: str, user=None, message: str = "K9 form have not been accepted") -> DownloadJob:
    code = {"k9": "K9_FORM_ACC", "eula": "EULA_FORM_ACC", "k9_eula": "K9_EULA_FORM_AR"}[need]
    return DownloadJob.objects.create(
        pid="SIM-DL-1",
        image_name=name,
        state=JobState.AWAITING_COMPLIANCE,
        waiting_for=need,
        upstream_code=code,
        upstream_message=message,
        requested_by=user,
    )


@pytest.fixture
def jobs(engineer):
    return {
        "k9": waiting("k9-only.bin", "k9", engineer),
        "eula": waiting("eula-only.bin", "eula", engineer),
        "both": waiting("both-forms.bin", "k9_eula", None),
        "other": DownloadJob.objects.create(pid="SIM-DL-1", image_name="running.bin", state=JobState.DOWNLOADING),
    }


def test_queue_groups_waiting_jobs_by_form_with_image_requester_and_message(client, officer, jobs):
    client.force_login(officer)
    response = client.get("/compliance/")
    groups = {standing.kind: [job.image_name for job in standing.jobs] for standing in response.context["standings"]}
    assert groups == {"k9": ["k9-only.bin", "both-forms.bin"], "eula": ["eula-only.bin", "both-forms.bin"]}
    html = response.content.decode()
    assert "running.bin" not in html
    assert "K9_EULA_FORM_AR" in html and "K9 form have not been accepted" in html and ">eng<" in html
    assert response.context["waiting"] == 3


def test_queue_page_queries_do_not_grow_with_the_jobs(client, officer, engineer, django_assert_max_num_queries):
    for n in range(30):
        waiting(f"image-{n}.bin", ("k9", "eula", "k9_eula")[n % 3], engineer)
    client.force_login(officer)
    client.get("/compliance/")  # the first request fills the shared cache (the user's permissions and roles)
    with django_assert_max_num_queries(16):
        assert client.get("/compliance/").status_code == 200


def test_officers_see_the_waiting_count_in_the_navigation(client, officer, engineer, jobs):
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert 'id="badge-compliance-queue">3<' in html
    client.force_login(engineer)
    html = client.get("/").content.decode()
    assert "Compliance queue" in html and "badge-compliance-queue" not in html  # the link, but no count


def test_accepting_resumes_every_job_waiting_on_that_form(client, officer, jobs, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    response = page_post(client, "k9", status="Accepted", bus_function="COMM_OR_CIVIL", confirm="on")
    assert response.status_code == 302
    states = dict(DownloadJob.objects.values_list("image_name", "state"))
    assert states["k9-only.bin"] == states["both-forms.bin"] == JobState.AUTHORIZING
    assert states["eula-only.bin"] == JobState.AWAITING_COMPLIANCE  # waits on the other form
    follow = client.get("/compliance/").content.decode()
    assert "2 downloads resumed." in follow


def test_counts_are_said_in_proper_singular_and_plural(client, officer, engineer):
    snapshot(FormKind.K9)
    waiting("one.bin", "k9", engineer)
    client.force_login(officer)
    assert "1 download waits on this form:" in client.get("/compliance/forms/k9/").content.decode()
    waiting("two.bin", "k9", engineer)
    assert "2 downloads wait on this form." in client.get("/compliance/forms/").content.decode()
    assert "(s)" not in client.get("/compliance/forms/k9/").content.decode()


def test_declining_blocks_the_waiting_jobs_by_compliance_with_the_officers_comment(client, officer, jobs, upstream):
    form_snapshot_fetch(kind=FormKind.EULA)
    client.force_login(officer)
    response = page_post(client, "eula", status="Declined", comments="Legal has not approved this licence")
    assert response.status_code == 302
    assert "2 waiting downloads are now blocked by compliance" in client.get("/compliance/").content.decode()
    held = DownloadJob.objects.filter(state=JobState.BLOCKED_BY_COMPLIANCE).order_by("pk")
    assert [job.image_name for job in held] == ["eula-only.bin", "both-forms.bin"]
    assert all("Legal has not approved this licence" in job.reason for job in held)
    assert {job.waiting_for for job in held} == {"eula"}  # held by the declined form now
    assert not DownloadJob.objects.filter(state=JobState.FAILED).exists()
    assert DownloadJob.objects.get(image_name="k9-only.bin").state == JobState.AWAITING_COMPLIANCE


def test_officers_may_accept_ahead_of_any_download(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.EULA)
    client.force_login(officer)
    response = page_post(client, "eula", status="Accepted")
    assert response.status_code == 302
    assert "No download was held by this form." in client.get("/compliance/").content.decode()
    assert upstream.sim.forms()["decisions"][upstream.sim.client_id]["eula"]["status"] == "Accepted"


def test_a_form_asked_for_again_after_an_acceptance_is_flagged(client, officer, engineer):
    form = snapshot(FormKind.K9)
    record(officer, form)
    waiting("again.bin", "k9", engineer)
    client.force_login(officer)
    html = client.get("/compliance/").content.decode()
    assert "Cisco asks for this form again" in html


@pytest.fixture
def officer_with_mail(officer, django_user_model):
    officer.email = "officer@example.net"
    officer.save()
    return officer


def test_officers_get_an_email_when_a_job_starts_waiting(mail_locmem, officer_with_mail, engineer, administrator):
    engineer.email = "engineer@example.net"
    engineer.save()
    name = "c9300-universalk9.17.09.04a.SPA.bin\r\nBcc: x@evil"
    job = waiting(name, "k9", engineer, "<b>K9</b> form <script>x</script>")
    job_awaiting_compliance.send(sender=DownloadJob, job_id=job.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@example.net"]  # people who may decide; not the engineer
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "c9300-universalk9.17.09.04a.SPA.bin" in message.subject and "K9" in message.subject
    assert "Requested: eng" in message.body and "K9 form" in message.body and "<b>" not in message.body
    assert f"Download:  /downloads/jobs/{job.pk}/" in message.body  # no PORTAL_BASE_URL: the path alone
    assert "Review and decide in Depot: /compliance/forms/k9/" in message.body


def test_the_email_links_are_absolute_under_the_portal_base_url(mail_locmem, officer_with_mail, engineer, settings):
    settings.PORTAL_BASE_URL = "https://depot.example.net/"
    job = waiting("both.bin", "k9_eula", engineer)
    job_awaiting_compliance.send(sender=DownloadJob, job_id=job.pk)
    body = mail.outbox[0].body
    assert f"Download:  https://depot.example.net/downloads/jobs/{job.pk}/" in body
    # Waiting on both forms: the link is the queue, which shows both.
    assert "Review and decide in Depot: https://depot.example.net/compliance/" in body.splitlines()


def test_the_downloads_signal_on_commit_reaches_the_officers(
    mail_locmem, officer_with_mail, engineer, django_capture_on_commit_callbacks
):
    job = waiting("on-commit.bin", "eula", engineer)
    with django_capture_on_commit_callbacks(execute=True):
        send_awaiting_compliance(job.pk)
    assert [m.to for m in mail.outbox] == [["officer@example.net"]]


def test_no_email_for_a_job_that_no_longer_waits(mail_locmem, officer_with_mail, engineer):
    job = DownloadJob.objects.create(pid="SIM-DL-1", image_name="done.bin", state=JobState.STORED)
    job_awaiting_compliance.send(sender=DownloadJob, job_id=job.pk)
    assert mail.outbox == []


DECLINED_REASON = "The K9 (export) form was declined by off (record #1): no"


def blocked(name: str, user=None, reason: str = DECLINED_REASON) -> DownloadJob:
    return DownloadJob.objects.create(
        pid="SIM-DL-1",
        image_name=name,
        state=JobState.BLOCKED_BY_COMPLIANCE,
        waiting_for="k9",
        reason=reason,
        requested_by=user,
    )


def test_blocked_jobs_are_listed_under_their_form_and_the_engineer_can_still_cancel_them(
    client, api_as, officer, engineer
):
    job = blocked("held.bin", engineer)
    client.force_login(officer)
    queue = client.get("/compliance/").content.decode()
    assert f'id="job-{job.pk}"' in queue[queue.index('id="blocked-k9"') :] and f"{DECLINED_REASON}</td>" in queue
    assert (
        "1 download is blocked by compliance until this form is accepted"
        in client.get("/compliance/forms/k9/").content.decode()
    )
    assert 'id="badge-compliance-queue"' not in queue  # the badge counts what waits for a first decision
    api = api_as(engineer)
    assert api.post(f"/api/v1/downloads/jobs/{job.pk}/cancel/").status_code == 200
    assert DownloadJob.objects.get(pk=job.pk).state == JobState.CANCELLED
    assert f'id="job-{job.pk}"' not in client.get("/compliance/").content.decode()


@pytest.mark.parametrize(
    ("state", "code"), [(JobState.BLOCKED, "IMG_K9"), (JobState.FAILED, ""), (JobState.BLOCKED_BY_COMPLIANCE, "")]
)
def test_only_those_who_may_retry_are_told_to_press_retry(client, officer, engineer, state, code):
    job = DownloadJob.objects.create(
        pid="SIM-DL-1", image_name="x.bin", state=state, upstream_code=code, waiting_for="k9", requested_by=engineer
    )
    client.force_login(officer)
    officer_view = client.get(f"/downloads/jobs/{job.pk}/").content.decode()
    assert "ress Retry" not in officer_view and 'action="/downloads/jobs/' not in officer_view
    client.force_login(engineer)
    engineer_view = client.get(f"/downloads/jobs/{job.pk}/").content.decode()
    if state == JobState.BLOCKED_BY_COMPLIANCE:  # it resumes by itself: nobody is told to retry it
        assert "ress Retry" not in engineer_view and "can be cancelled" in engineer_view
    else:
        assert "ress Retry" in engineer_view and "an engineer can retry it" in officer_view.lower()


def test_a_job_that_starts_waiting_on_a_declined_form_is_blocked_at_once_and_no_one_is_mailed(
    mail_locmem, officer_with_mail, engineer
):
    form = snapshot(FormKind.K9)
    record(officer_with_mail, form, status="Declined", comments="not for us")
    job = waiting("after-decline.bin", "k9_eula", engineer)
    job_awaiting_compliance.send(sender=DownloadJob, job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.BLOCKED_BY_COMPLIANCE and job.waiting_for == "k9"  # the declined form holds it
    assert job.reason == "The K9 (export) form was declined by off (record #1): not for us"
    assert job.upstream_code == "" and mail.outbox == []


def test_a_decline_of_an_older_version_does_not_block_a_new_wait(mail_locmem, officer_with_mail, engineer):
    record(officer_with_mail, snapshot(FormKind.K9), status="Declined", comments="not for us")
    snapshot(FormKind.K9, version="10")  # Cisco asks about a new version: nobody has declined that one
    job = waiting("new-version.bin", "k9", engineer)
    job_awaiting_compliance.send(sender=DownloadJob, job_id=job.pk)
    assert DownloadJob.objects.get(pk=job.pk).state == JobState.AWAITING_COMPLIANCE
    assert len(mail.outbox) == 1


def test_the_queue_reads_a_constant_number_of_queries(client, api_as, officer, engineer, jobs,
                                                      django_assert_max_num_queries):  # fmt: skip
    for n in range(5):
        blocked(f"held-{n}.bin", engineer)
        waiting(f"more-{n}.bin", "k9", engineer)
    client.force_login(officer)
    api = api_as(officer)
    client.get("/compliance/")  # the first request fills the shared cache (the user's permissions and roles)
    with django_assert_max_num_queries(16):  # session, user, permissions, badges, health; 4 per form
        assert client.get("/compliance/").status_code == 200
    with django_assert_max_num_queries(18):  # token, permissions, the throttle's cache rows; 4 per form
        groups = api.get("/api/v1/compliance/queue/").json()
    assert len(groups[0]["blocked"]) == 5 and len(groups[0]["jobs"]) == 7
