"""The compliance REST API: forms rendered and raw, decisions posted upstream, the queue, the audit trail."""

from __future__ import annotations

import pytest

from compliance.choices import FormKind
from compliance.rendering import render_snapshot
from compliance.services import form_snapshot_fetch
from downloads.choices import JobState
from downloads.models import DownloadJob
from tests.core.htmlcheck import problems
from tests.factories_compliance import record, snapshot

pytestmark = pytest.mark.django_db


def _answer(api, kind: str, **fields):
    form = api.get(f"/api/v1/compliance/forms/{kind}").json()
    body = {"kind": kind, "snapshot": form["snapshot"], "shown_sha256": form["sanitised_sha256"], **fields}
    return api.post("/api/v1/compliance/decisions", body, format="json")


def test_forms_come_rendered_sanitised_and_raw(api_as, engineer):
    k9 = snapshot(FormKind.K9, acceptLabel="<b>Accept</b>", k9Form='<p onclick="x()">Hi <script>x()</script></p>')
    body = api_as(engineer).get("/api/v1/compliance/forms").json()
    assert [form["kind"] for form in body] == ["k9", "eula"]
    form = body[0]
    assert form["snapshot"] == k9.pk and form["sub_app_version"] == "9" and form["sha256"] == k9.sha256
    assert form["sanitised_sha256"] == render_snapshot(k9).sanitised_sha256
    assert form["k9"]["accept"] == {"label": "<b>Accept</b>", "value": "Accepted"}  # text, for the client to escape
    assert form["k9"]["form_html"] == "<p>Hi </p>" and problems(form["k9"]["government_text_html"]) == []
    assert form["k9"]["commercial"] == {"label": "Commercial/Civilian entity", "value": "COMM_OR_CIVIL"}
    assert form["k9"]["user"]["userId"] == "emily-culp" and form["eula"] is None
    assert form["raw"]["k9Content"]["k9Form"].startswith('<p onclick="x()">')  # raw stays exactly as delivered
    assert form["standing"] == {
        "decision": None,
        "decision_is_current": False,
        "content_changed": False,
        "needs_decision": True,
        "asked_again": False,
        "waiting_jobs": 0,
        "blocked_jobs": 0,
    }
    assert body[1]["snapshot"] is None and body[1]["k9"] is None  # not fetched yet


def test_officer_decides_through_the_api_and_waiting_jobs_resume(api_as, officer, upstream):
    form_snapshot_fetch(kind=FormKind.K9)
    job = DownloadJob.objects.create(
        pid="SIM-DL-1", image_name="x.bin", state=JobState.AWAITING_COMPLIANCE, waiting_for="k9"
    )
    response = _answer(api_as(officer), "k9", status="Accepted", bus_function="COMM_OR_CIVIL", confirm=True)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["jobs_affected"] == 1 and body["decision"]["posted_ok"] is True
    assert body["decision"]["posted_values"]["busFunction"] == "COMM_OR_CIVIL"
    assert body["decision"]["upstream_status_code"] == "0" and body["decision"]["sequence"] == 1
    assert DownloadJob.objects.get(pk=job.pk).state == JobState.AUTHORIZING


def test_api_refusals_have_codes(api_as, officer, upstream):
    form_snapshot_fetch(kind=FormKind.EULA)
    api = api_as(officer)
    invalid = _answer(api, "eula", status="Declined")
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid_input"
    assert "comments" in invalid.json()["fields"]
    upstream.sim.fault("compliance/eula", method="POST", status=400)
    refused = _answer(api, "eula", status="Accepted")
    assert refused.status_code == 502 and refused.json()["code"] == "upstream_refused"
    assert "marked not posted" in refused.json()["message"]
    upstream.sim.forms(eula="20")
    outdated = api.post(
        "/api/v1/compliance/decisions",
        {"kind": "eula", "snapshot": refused_snapshot(api), "status": "Accepted"},
        format="json",
    )
    assert outdated.status_code == 409 and outdated.json()["code"] == "form_outdated"
    attempts = api.get("/api/v1/compliance/decisions?posted=false").json()
    assert attempts["count"] == 1 and attempts["results"][0]["posted_ok"] is False


def refused_snapshot(api) -> int:
    return api.get("/api/v1/compliance/forms/eula").json()["snapshot"]


def test_queue_lists_waiting_jobs_with_sanitised_messages(api_as, engineer):
    DownloadJob.objects.create(
        pid="SIM-DL-1",
        image_name="both.bin",
        state=JobState.AWAITING_COMPLIANCE,
        waiting_for="k9_eula",
        upstream_code="K9_EULA_FORM_AR",
        upstream_message='Both forms <img src=x onerror="alert(1)"><a href="javascript:x">here</a>',
        requested_by=engineer,
    )
    groups = api_as(engineer).get("/api/v1/compliance/queue").json()
    assert [g["kind"] for g in groups] == ["k9", "eula"]
    job = groups[0]["jobs"][0]
    assert job["image_name"] == "both.bin" and job["requested_by"] == "eng" and job["waiting_for"] == "k9_eula"
    assert problems(job["upstream_message_html"]) == [] and "onerror" not in job["upstream_message_html"]
    assert job["upstream_message_text"] == "Both forms here"
    assert groups[1]["jobs"][0]["id"] == job["id"] and groups[0]["standing"]["waiting_jobs"] == 1
    assert job["url"] == f"http://testserver/api/v1/downloads/jobs/{job['id']}/"


def test_queue_links_are_absolute_under_the_portal_base_url(api_as, engineer, settings):
    settings.PORTAL_BASE_URL = "https://depot.example.net"
    waiting = DownloadJob.objects.create(
        pid="SIM-DL-1", image_name="k9.bin", state=JobState.AWAITING_COMPLIANCE, waiting_for="k9"
    )
    job = api_as(engineer).get("/api/v1/compliance/queue").json()[0]["jobs"][0]
    assert job["url"] == f"https://depot.example.net/api/v1/downloads/jobs/{waiting.pk}/"


def test_audit_api_filters_and_verifies(api_as, officer, administrator, django_assert_max_num_queries):
    k9, eula = snapshot(FormKind.K9), snapshot(FormKind.EULA)
    for n in range(6):
        record(officer if n % 2 else administrator, k9 if n < 4 else eula)
    api = api_as(officer)
    api.get("/api/v1/compliance/audit")  # the first request fills the shared cache (the user's permissions)
    with django_assert_max_num_queries(12):  # 9 are the token, permissions and throttle; 2 the list itself
        rows = api.get("/api/v1/compliance/audit").json()
    assert rows["count"] == 6 and rows["results"][0]["sequence"] == 6
    assert set(rows["results"][0]) >= {"hash", "prev_hash", "client_address", "raw_sha256", "sanitised_sha256"}
    assert api.get("/api/v1/compliance/audit?kind=eula").json()["count"] == 2
    assert api.get("/api/v1/compliance/audit?user=adm").json()["count"] == 3
    second, first = (api.get(f"/api/v1/compliance/audit/{n}").json() for n in (2, 1))
    assert second["prev_hash"] == first["hash"]
    report = api.get("/api/v1/compliance/audit/verify").json()
    assert report == {"ok": True, "checked": 6, "head_hash": rows["results"][0]["hash"], "problem": None,
                      "problem_sequence": None}  # fmt: skip
    assert api.post("/api/v1/compliance/audit", {}).status_code == 405
    assert api.delete("/api/v1/compliance/audit/1").status_code == 405
    assert api.put("/api/v1/compliance/decisions/1", {}).status_code == 405


def test_compliance_endpoints_are_in_the_openapi_schema(api_as, engineer):
    schema = api_as(engineer).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("forms", "forms/{kind}", "decisions", "decisions/{sequence}", "queue", "audit", "audit/verify"):
        assert f"/api/v1/compliance/{path}/" in paths, path
    post = paths["/api/v1/compliance/decisions/"]["post"]
    assert {"201", "400", "409", "502", "503"} <= set(post["responses"])
