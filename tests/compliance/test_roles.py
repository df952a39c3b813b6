"""Every role rule of the compliance pages and API, anonymous included: engineers read forms and decisions,
officers and administrators decide and read the audit trail, users without a role see nothing."""

from __future__ import annotations

import pytest

from compliance.choices import FormKind
from tests.factories_compliance import record, snapshot

pytestmark = pytest.mark.django_db

ROLES = ["engineer", "officer", "administrator", "nobody"]
READ = {"engineer", "officer", "administrator"}
DECIDE = {"officer", "administrator"}
AUDIT = {"officer", "administrator"}


@pytest.fixture
def data(officer):
    k9 = snapshot(FormKind.K9)
    snapshot(FormKind.EULA)
    record(officer, k9)
    return k9


def _pages(k9_id: int) -> list[tuple[str, set[str]]]:
    return [
        ("/compliance/", READ),
        ("/compliance/forms/", READ),
        ("/compliance/forms/k9/", READ),
        ("/compliance/forms/eula/", READ),
        (f"/compliance/snapshots/{k9_id}/", READ),
        ("/compliance/audit/", AUDIT),
        ("/compliance/audit/export.csv", AUDIT),
        ("/compliance/audit/1/", AUDIT),
    ]


def test_anonymous_users_are_sent_to_the_login_page(client, data):
    for path, _ in _pages(data.pk):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
    for path in ("/compliance/forms/k9/", "/compliance/forms/k9/refresh"):
        assert client.post(path, {"status": "Accepted"}).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_pages_follow_the_role_rules(client, request, data, role):
    client.force_login(request.getfixturevalue(role))
    for path, allowed in _pages(data.pk):
        assert client.get(path).status_code == (200 if role in allowed else 403), (role, path)


@pytest.mark.parametrize("role", ROLES)
def test_only_officers_and_administrators_may_decide_or_fetch(client, request, data, role):
    client.force_login(request.getfixturevalue(role))
    # An empty answer: 400 shows the decision was allowed to be checked, 403 that it was not.
    decided = client.post("/compliance/forms/k9/", {"status": "Accepted"})
    assert decided.status_code == (400 if role in DECIDE else 403), role
    if role not in DECIDE:
        assert client.post("/compliance/forms/eula/refresh").status_code == 403


def test_engineers_see_the_form_read_only(client, engineer, data):
    client.force_login(engineer)
    html = client.get("/compliance/forms/k9/").content.decode()
    assert 'id="read-only-note"' in html and '<fieldset class="decision" disabled>' in html
    assert 'id="accept"' not in html and 'id="decision-form"' not in html and 'id="refresh"' not in html
    assert "Audit trail" not in client.get("/").content.decode()


def test_officers_see_the_decision_form(client, officer, data):
    client.force_login(officer)
    html = client.get("/compliance/forms/k9/").content.decode()
    assert 'id="decision-form"' in html and 'id="accept"' in html and 'id="decline"' in html
    assert 'id="read-only-note"' not in html


API = [
    ("get", "/api/v1/compliance/forms", READ),
    ("get", "/api/v1/compliance/forms/k9", READ),
    ("get", "/api/v1/compliance/snapshots", READ),
    ("get", "/api/v1/compliance/decisions", READ),
    ("get", "/api/v1/compliance/decisions/1", READ),
    ("get", "/api/v1/compliance/queue", READ),
    ("get", "/api/v1/compliance/audit", AUDIT),
    ("get", "/api/v1/compliance/audit/1", AUDIT),
    ("get", "/api/v1/compliance/audit/verify", AUDIT),
]
WRITES = [("post", "/api/v1/compliance/decisions"), ("post", "/api/v1/compliance/forms/k9/refresh")]


def test_anonymous_api_calls_get_401(api_client, data):
    for method, path, _ in API:
        response = getattr(api_client, method)(path)
        assert response.status_code == 401 and response.json()["code"] == "not_authenticated", path
    for method, path in WRITES:
        assert getattr(api_client, method)(path, {}).status_code == 401, path


@pytest.mark.parametrize("role", ROLES)
def test_api_follows_the_same_role_rules(api_as, request, data, role):
    api = api_as(request.getfixturevalue(role))
    for method, path, allowed in API:
        response = getattr(api, method)(path)
        assert response.status_code == (200 if role in allowed else 403), (role, path)
        if response.status_code == 403:
            assert response.json()["code"] == "permission_denied"
    decided = api.post("/api/v1/compliance/decisions", {})
    assert decided.status_code == (400 if role in DECIDE else 403), role
    if role not in DECIDE:
        assert api.post("/api/v1/compliance/forms/k9/refresh").status_code == 403


def test_engineers_do_not_get_audit_fields_from_decisions(api_as, engineer, data):
    row = api_as(engineer).get("/api/v1/compliance/decisions").json()["results"][0]
    assert "client_address" not in row and "hash" not in row and row["decided_by"] == "off"
