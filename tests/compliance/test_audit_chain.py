"""Decisions are append-only (model, queryset, admin, database) and verify_audit finds any change to the chain."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from compliance import dbguard
from compliance.chain import GENESIS, record_hash
from compliance.models import AppendOnlyError, ChainHead, Decision
from compliance.selectors import audit_chain_verify
from tests.factories_compliance import record, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(officer):
    form = snapshot()
    return [record(officer, form, file_names=f"image-{n}.bin") for n in range(4)]


def _verify() -> str:
    """Run verify_audit; return its error text ("" when the chain is intact)."""
    try:
        call_command("verify_audit", stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        assert exc.returncode == 1
        return str(exc)
    return ""


def test_records_link_each_to_the_one_before(chain):
    assert chain[0].prev_hash == GENESIS and chain[0].sequence == 1
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.sequence == before.sequence + 1
    assert chain[-1].hash == record_hash(Decision.objects.get(pk=chain[-1].pk).hashed_fields())
    head = ChainHead.objects.get()
    assert (head.length, head.last_hash) == (4, chain[-1].hash)


def test_verify_audit_passes_on_an_intact_chain(chain, capsys):
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "4 records;" in out.getvalue() and chain[-1].hash in out.getvalue()


def test_model_refuses_to_save_a_stored_record_again(chain):
    chain[1].comments = "changed"
    with pytest.raises(AppendOnlyError):
        chain[1].save()


def test_model_and_queryset_refuse_delete_and_update(chain):
    with pytest.raises(AppendOnlyError):
        chain[0].delete()
    with pytest.raises(AppendOnlyError):
        Decision.objects.filter(pk=chain[0].pk).update(status="Declined")
    with pytest.raises(AppendOnlyError):
        Decision.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Decision.objects.bulk_update(chain, ["comments"])
    with pytest.raises(AppendOnlyError):
        Decision.objects.bulk_create([Decision()])
    assert Decision.objects.count() == 4


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE compliance_decision SET comments = 'x' WHERE sequence = 2",
        "DELETE FROM compliance_decision WHERE sequence = 2",
        "UPDATE compliance_formsnapshot SET raw_text = '{}'",
    ],
)
def test_database_refuses_raw_sql_changes(chain, statement):
    assert set(dbguard.installed(connection)) == set(dbguard.TRIGGERS)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert _verify() == ""


def test_a_second_record_on_the_same_predecessor_is_refused(chain, officer):
    # Two officers appending at once cannot fork the chain: prev_hash is unique.
    fork = Decision(**{**chain[-1].hashed_fields(), "sequence": 99, "prev_hash": chain[-1].prev_hash, "hash": "f" * 64})
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save()


def _tamper(sql: str, *params: object) -> None:
    """Change the table behind the application's back, lifting the guard on purpose (restored afterwards)."""
    with dbguard.lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_audit_names_an_edited_record(chain):
    _tamper("UPDATE compliance_decision SET status = 'Declined' WHERE sequence = 3")
    message = _verify()
    assert "record #3" in message and "changed" in message
    assert audit_chain_verify().problem.record_id == chain[2].pk


def test_verify_audit_names_an_edit_that_also_rehashed_the_record(chain):
    # Someone who recomputes the edited record's own hash still breaks the link to the next record.
    edited = {**chain[1].hashed_fields(), "comments": "rewritten"}
    _tamper(
        "UPDATE compliance_decision SET comments = %s, hash = %s WHERE sequence = 2", "rewritten", record_hash(edited)
    )
    assert "record #3" in _verify() and "prev_hash" in _verify()


def test_verify_audit_names_the_record_after_a_deleted_one(chain):
    _tamper("DELETE FROM compliance_decision WHERE sequence = 2")
    message = _verify()
    assert "record #3" in message and "sequence 3 where 2 was expected" in message


def test_verify_audit_notices_records_removed_from_the_end(chain):
    _tamper("DELETE FROM compliance_decision WHERE sequence = 4")
    assert "chain head" in _verify() and "removed from the end" in _verify()


def test_verify_audit_notices_a_changed_form_snapshot(chain):
    _tamper("UPDATE compliance_formsnapshot SET raw_text = %s", '{"k9Content":{"acceptLabel":"Sure"}}')
    message = _verify()
    assert "record #1" in message and "snapshot" in message


def test_no_record_is_appended_onto_a_broken_chain(chain, officer):
    from compliance.errors import AuditChainBroken

    _tamper("DELETE FROM compliance_decision WHERE sequence = 4")
    with pytest.raises(AuditChainBroken):
        record(officer)


def test_verify_audit_warns_when_the_guard_is_missing(chain):
    err = io.StringIO()
    with dbguard.lifted(connection):
        call_command("verify_audit", stdout=io.StringIO(), stderr=err)
    assert "missing trigger" in err.getvalue()


def test_admin_is_read_only_even_for_administrators(client, administrator, chain):
    client.force_login(administrator)
    assert client.get("/admin/compliance/decision/").status_code == 200
    assert client.get(f"/admin/compliance/decision/{chain[0].pk}/change/").status_code == 200  # view only
    assert client.get("/admin/compliance/decision/add/").status_code == 403
    response = client.post(f"/admin/compliance/decision/{chain[0].pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = client.post(f"/admin/compliance/decision/{chain[0].pk}/change/", {"comments": "edited"})
    assert response.status_code == 403
    assert Decision.objects.get(pk=chain[0].pk).comments == ""
    assert _verify() == ""


def test_a_user_who_decided_cannot_be_deleted(chain, officer):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        officer.delete()
