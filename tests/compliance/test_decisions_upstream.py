"""Decisions over real HTTP: snapshots of the simulator's forms, the spec's field names and values posted, the
upstream's answer kept, refusals and outages recorded as not posted, and form versions that change."""

from __future__ import annotations

import pytest

from compliance.chain import sha256_json
from compliance.choices import FormKind
from compliance.models import Decision, FormSnapshot
from compliance.selectors import audit_chain_verify, form_snapshot_current, form_standing
from compliance.services import form_snapshot_fetch
from compliance.signals import form_decided
from tests.compliance.conftest import page_post

pytestmark = pytest.mark.django_db

K9_ACCEPT = {"status": "Accepted", "bus_function": "COMM_OR_CIVIL", "confirm": "on"}


def _posts(sim, path: str) -> list[dict]:
    return [entry for entry in sim.log() if entry["method"] == "POST" and entry["path"].endswith(path)]


def test_fetch_keeps_each_distinct_version_once_with_its_hash(upstream):
    first = form_snapshot_fetch(kind=FormKind.K9)
    again = form_snapshot_fetch(kind=FormKind.K9)
    assert again.pk == first.pk and FormSnapshot.objects.count() == 1
    assert FormSnapshot.objects.get().last_seen_at >= first.fetched_at
    assert first.sha256 == sha256_json(first.raw) and first.raw["k9Content"]["acceptValue"] == "Accepted"
    assert first.sub_app_version == "9" and first.web_form == "https://software.cisco.com/download/k9"
    assert first.user_details["userId"] and first.user_details == first.raw["userDetails"]
    upstream.sim.forms(k9="10")
    newer = form_snapshot_fetch(kind=FormKind.K9)
    assert newer.pk != first.pk and newer.sub_app_version == "10"
    assert form_snapshot_current(FormKind.K9) == newer
    eula = form_snapshot_fetch(kind=FormKind.EULA)
    assert eula.sub_app_version == "19" and eula.raw["eulaContent"]["label"]


def test_officer_accepts_k9_with_the_specs_fields_and_the_answer_is_kept(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    response = page_post(client, "k9", **K9_ACCEPT, file_names="sim-crypto-k9.bin", comments="ok by legal")
    assert response.status_code == 302, response.content.decode()[:2000]
    decision = Decision.objects.get()
    assert decision.posted_ok and decision.status == "Accepted"
    assert (decision.upstream_status_code, decision.upstream_status_message) == ("0", "success")
    assert decision.posted_values == {
        "status": "Accepted",
        "confirm": "CONFIRM_CHECKED",
        "busFunction": "COMM_OR_CIVIL",
        "govMilCountries": "",
        "fileNames": "sim-crypto-k9.bin",
    }
    assert decision.comments == "ok by legal" and decision.file_names == "sim-crypto-k9.bin"
    assert decision.decided_by == officer and decision.decided_by_role == "Compliance officers"
    assert decision.client_address == "127.0.0.1" and decision.sub_app_version == "9"
    assert decision.raw_sha256 == decision.snapshot.sha256
    # The simulator took it: Cisco's side holds the same decision for the same version.
    upstream_decision = upstream.sim.forms()["decisions"][upstream.sim.client_id]["k9"]
    assert upstream_decision["status"] == "Accepted" and upstream_decision["sub_app_version"] == "9"
    assert upstream_decision["file_names"] == "sim-crypto-k9.bin" and upstream_decision["comments"] == ""
    assert audit_chain_verify().ok


def test_government_entity_answers_the_countries_question(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    missing = page_post(client, "k9", status="Accepted", bus_function="GOV_OR_MIL", confirm="on")
    assert missing.status_code == 400 and "Answer the countries question" in missing.content.decode()
    ok = page_post(
        client, "k9", status="Accepted", bus_function="GOV_OR_MIL", gov_mil_countries="GOV_OR_MIL_COUNTRIES_YES",
        confirm="on",
    )  # fmt: skip
    assert ok.status_code == 302
    assert Decision.objects.get().posted_values["govMilCountries"] == "GOV_OR_MIL_COUNTRIES_YES"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"status": "Declined", "bus_function": "COMM_OR_CIVIL", "confirm": "on"}, "Comments are required"),
        ({"status": "Accepted", "bus_function": "COMM_OR_CIVIL"}, "requires this confirmation"),
        ({"status": "Accepted", "bus_function": "SOMETHING_ELSE", "confirm": "on"}, "Choose one of the functions"),
        ({"status": "Maybe", "bus_function": "COMM_OR_CIVIL", "confirm": "on"}, "Not an answer this form offers"),
        ({**K9_ACCEPT, "file_names": "a.bin,b.bin"}, "Only one value is permitted"),
        ({**K9_ACCEPT, "file_names": "../etc/passwd"}, "Not a file name"),
    ],
)
def test_incomplete_answers_are_refused_before_anything_is_posted(client, officer, upstream, fields, error):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    response = page_post(client, "k9", **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Decision.objects.exists() and not _posts(upstream.sim, "compliance/k9")


def test_declining_posts_the_comments_and_blocks_nothing_when_nothing_waits(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.EULA)
    client.force_login(officer)
    response = page_post(client, "eula", status="Declined", comments="licence not approved by legal")
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.posted_values == {"status": "Declined", "declineComments": "licence not approved by legal"}
    upstream_decision = upstream.sim.forms()["decisions"][upstream.sim.client_id]["eula"]
    assert upstream_decision["status"] == "Declined" and upstream_decision["comments"] == decision.comments


def test_upstream_refusal_is_shown_and_recorded_as_not_posted(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    upstream.sim.fault("compliance/k9", method="POST", status=400)
    client.force_login(officer)
    response = page_post(client, "k9", **K9_ACCEPT)
    assert response.status_code == 502
    page = response.content.decode()
    assert "Cisco refused the decision" in page and "marked not posted" in page
    attempt = Decision.objects.get()
    assert attempt.posted_ok is False and attempt.upstream_status_code
    assert form_standing(FormKind.K9).decision is None  # an attempt is never the decision
    assert upstream.sim.forms()["decisions"].get(upstream.sim.client_id, {}).get("k9") is None
    assert audit_chain_verify().ok
    assert "not posted" in client.get("/compliance/audit/").content.decode()


def test_upstream_down_at_the_post_is_shown_and_recorded_as_not_posted(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.EULA)
    upstream.sim.fault("compliance/eula", method="POST", kind="drop", count=20)
    client.force_login(officer)
    response = page_post(client, "eula", status="Accepted")
    assert response.status_code == 503
    assert "Cisco could not be reached" in response.content.decode()
    attempt = Decision.objects.get()
    assert not attempt.posted_ok and form_standing(FormKind.EULA).decision is None


def test_upstream_down_before_the_post_records_nothing(client, officer, upstream, settings):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    page = client.get("/compliance/forms/k9/").context["form"].initial
    upstream.sim.fault("compliance/k9", method="GET", status=503, count=20)
    response = client.post("/compliance/forms/k9/", {**page, **K9_ACCEPT})
    assert response.status_code == 503 and "could not be fetched" in response.content.decode()
    assert not Decision.objects.exists() and not _posts(upstream.sim, "compliance/k9")


def test_a_form_changed_upstream_meanwhile_is_not_answered(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    shown = client.get("/compliance/forms/k9/").context["form"].initial
    upstream.sim.forms(k9="10")  # Cisco publishes a new version while the officer reads
    response = client.post("/compliance/forms/k9/", {**shown, **K9_ACCEPT})
    assert response.status_code == 409 and "now version 10" in response.content.decode()
    assert not Decision.objects.exists() and not _posts(upstream.sim, "compliance/k9")
    # Answering the old snapshot again is refused at once: it is no longer the current form.
    again = client.post("/compliance/forms/k9/", {**shown, **K9_ACCEPT})
    assert again.status_code == 409 and "not the current one" in again.content.decode()


def test_what_was_shown_must_match_what_is_stored(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    shown = client.get("/compliance/forms/k9/").context["form"].initial
    response = client.post("/compliance/forms/k9/", {**shown, "shown_sha256": "0" * 64, **K9_ACCEPT})
    assert response.status_code == 409 and not Decision.objects.exists()


def test_a_new_sub_app_version_shows_earlier_decisions_as_older_and_asks_again(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    assert page_post(client, "k9", **K9_ACCEPT).status_code == 302
    assert form_standing(FormKind.K9).decision_is_current
    upstream.sim.forms(k9="10")
    form_snapshot_fetch(kind=FormKind.K9)
    standing = form_standing(FormKind.K9)
    assert not standing.decision_is_current and standing.needs_decision
    for path in ("/compliance/forms/", "/compliance/forms/k9/", "/compliance/"):
        html = client.get(path).content.decode()
        assert "for an older version (9)" in html, path
    assert "older version" in client.get("/compliance/forms/k9/").content.decode()
    # A new decision on version 10 is current again; the first stays, shown as given for version 9.
    assert page_post(client, "k9", **K9_ACCEPT).status_code == 302
    assert form_standing(FormKind.K9).decision_is_current
    assert list(Decision.objects.order_by("sequence").values_list("sub_app_version", flat=True)) == ["9", "10"]


def test_officer_refreshes_a_form_from_the_page(client, officer, upstream):
    client.force_login(officer)
    assert "No version of this form has been fetched" in client.get("/compliance/forms/eula/").content.decode()
    response = client.post("/compliance/forms/eula/refresh", follow=True)
    assert "Fetched the EULA (licence) form: version 19" in response.content.decode()
    assert form_snapshot_current(FormKind.EULA).sub_app_version == "19"


def test_every_record_is_announced_with_form_decided_once_committed(
    client, officer, upstream, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, decision_id, **kwargs):
        received.append((sender, decision_id))

    form_decided.connect(receiver, dispatch_uid="test-form-decided")
    try:
        form_snapshot_fetch(kind=FormKind.K9)
        client.force_login(officer)
        with django_capture_on_commit_callbacks(execute=True):
            assert page_post(client, "k9", **K9_ACCEPT).status_code == 302
            assert received == []  # not before the record is committed
        upstream.sim.fault("compliance/k9", method="POST", status=400)
        with django_capture_on_commit_callbacks(execute=True):
            assert page_post(client, "k9", **K9_ACCEPT).status_code == 502
    finally:
        form_decided.disconnect(dispatch_uid="test-form-decided")
    accepted, refused = Decision.objects.order_by("sequence")
    assert refused.posted_ok is False  # an attempt Cisco refused is announced too; the row says which
    assert received == [(Decision, accepted.pk), (Decision, refused.pk)]


def test_the_k9_form_says_up_front_what_either_answer_needs_and_a_first_decline_goes_through(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    client.force_login(officer)
    page = client.get("/compliance/forms/k9/")
    needs = page.context["answer_needs"]
    assert "Either answer, Accept or Decline, needs the box under “Confirmation” ticked" in needs[0]
    assert "“Business division's function”" in needs[0] and "a decline too" in needs[0]
    html = page.content.decode()
    assert html.index('id="answer-needs"') < html.index('id="decline"')  # said next to the buttons, before them
    assert "Decline also needs comments" in html
    # Doing what the page says, the very first decline is posted.
    declined = page_post(client, "k9", status="Declined", bus_function="COMM_OR_CIVIL", confirm="on",
                         comments="no export licence yet")  # fmt: skip
    assert declined.status_code == 302, declined.content.decode()[:2000]
    decision = Decision.objects.get()
    assert decision.posted_ok and decision.posted_values["confirm"] == "CONFIRM_CHECKED"
    assert upstream.sim.forms()["decisions"][upstream.sim.client_id]["k9"]["status"] == "Declined"


def test_the_eula_asks_only_for_comments_to_decline(client, officer, upstream):
    form_snapshot_fetch(kind=FormKind.EULA)
    client.force_login(officer)
    needs = client.get("/compliance/forms/eula/").context["answer_needs"]
    assert needs == ["Decline also needs comments saying why (Cisco receives them as declineComments)."]


def test_the_api_schema_says_what_either_k9_answer_needs(api_as, engineer):
    schema = api_as(engineer).get("/api/schema/?format=json").json()
    fields = schema["components"]["schemas"]["DecisionRequest"]["properties"]
    assert "either answer (Accepted or Declined)" in fields["confirm"]["description"]
    assert "either answer (Accepted or Declined)" in fields["bus_function"]["description"]
    assert "Required to decline" in fields["comments"]["description"]
    post = schema["paths"]["/api/v1/compliance/decisions/"]["post"]
    assert "Declined included" in post["description"]
