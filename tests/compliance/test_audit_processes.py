"""The chain under concurrent appends, and verify_audit as the command line runs it (exit status, message)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from django.db import connection, connections

from compliance import dbguard
from compliance.models import Decision
from compliance.selectors import audit_chain_verify
from tests.factories_compliance import record, snapshot
from tests.fixtures.worker import ROOT, child_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_officers_appending_at_once_never_fork_the_chain(officer, administrator):
    form = snapshot()
    errors: list[BaseException] = []

    def append_many(user) -> None:
        try:
            for _ in range(5):
                record(user, form)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append_many, args=(user,)) for user in (officer, administrator) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Decision.objects.count() == 20
    assert sorted(Decision.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    report = audit_chain_verify()
    assert report.ok and report.checked == 20


def _verify_audit() -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "verify_audit"],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_verify_audit_exits_nonzero_naming_the_tampered_record(officer):
    form = snapshot()
    for _ in range(3):
        record(officer, form)
    intact = _verify_audit()
    assert intact.returncode == 0 and "Audit chain intact: 3 records;" in intact.stdout
    with dbguard.lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_decision SET client_address = '203.0.113.9' WHERE sequence = 2")
    broken = _verify_audit()
    assert broken.returncode == 1
    assert "Audit chain broken at record #2" in broken.stderr and "was changed" in broken.stderr
