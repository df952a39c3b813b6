"""The audit trail page: filters, verification on request, one record in full, CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection

from compliance import dbguard
from compliance.choices import FormKind
from tests.factories_compliance import record, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(officer, administrator):
    k9, eula = snapshot(FormKind.K9), snapshot(FormKind.EULA)
    return [
        record(officer, k9),
        record(administrator, eula, status="Declined", comments='=HYPERLINK("http://evil")'),
        record(officer, k9, posted_ok=False, upstream_status_code="INVALID_INPUT", upstream_status_message="no"),
    ]


def _csv(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/compliance/audit/export.csv{query}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_trail_lists_every_record_newest_first_with_filters(client, officer, trail):
    client.force_login(officer)
    page = client.get("/compliance/audit/")
    assert [d.sequence for d in page.context["page"]] == [3, 2, 1]
    assert "not posted" in page.content.decode()
    assert [d.sequence for d in client.get("/compliance/audit/?kind=eula").context["page"]] == [2]
    assert [d.sequence for d in client.get("/compliance/audit/?posted=false").context["page"]] == [3]
    assert [d.sequence for d in client.get("/compliance/audit/?user=adm&status=Declined").context["page"]] == [2]
    assert [d.sequence for d in client.get("/compliance/audit/?since=2000-01-01&until=2999-01-01").context["page"]]


def test_verify_on_the_page_reports_an_intact_or_a_broken_chain(client, officer, trail):
    client.force_login(officer)
    assert "All 3 records fit the chain" in client.get("/compliance/audit/?verify=1").content.decode()
    with dbguard.lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_decision SET comments = 'softened' WHERE sequence = 2")
    html = client.get("/compliance/audit/?verify=1").content.decode()
    assert "The chain is broken at record #2" in html


def test_one_record_shows_every_field_the_hash_covers(client, officer, trail):
    client.force_login(officer)
    html = client.get("/compliance/audit/2/").content.decode()
    for value in (trail[1].hash, trail[1].prev_hash, trail[1].raw_sha256, trail[1].sanitised_sha256, "192.0.2.10"):
        assert value in html
    assert client.get("/compliance/audit/99/").status_code == 404


def test_csv_export_has_every_column_and_keeps_formulas_inert(client, officer, trail):
    client.force_login(officer)
    rows = _csv(client)
    assert [row["sequence"] for row in rows] == ["3", "2", "1"]
    assert rows[1]["comments"] == '\'=HYPERLINK("http://evil")'
    assert rows[2]["hash"] == trail[0].hash and rows[1]["prev_hash"] == trail[0].hash
    assert rows[0]["posted_ok"] == "False" and rows[2]["posted_values"] == '{"status": "Accepted"}'
    assert rows[2]["created_at"].endswith("Z")
    assert [row["sequence"] for row in _csv(client, "?kind=eula")] == ["2"]
