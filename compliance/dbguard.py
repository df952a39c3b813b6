"""Database triggers that refuse UPDATE and DELETE of decisions (and changes to a snapshot's content).

The model, queryset and admin already refuse; the triggers also stop a stray SQL statement or another program
on the same database. They do not stop someone who may drop triggers: that is what verify_audit's hash chain
is for. Installed by migration 0002 on SQLite and PostgreSQL (other databases get none; verify_audit says so).

SQLite rebuilds a table (and drops its triggers) when a later migration alters it: such a migration must call
:func:`install` again. ``verify_audit`` reports a missing guard.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DECISION_TABLE = "compliance_decision"
SNAPSHOT_TABLE = "compliance_formsnapshot"
SNAPSHOT_CONTENT = "kind, sha256, raw_text, sub_app_version, web_form, user_details, fetched_at"
TRIGGERS = ("compliance_decision_no_update", "compliance_decision_no_delete", "compliance_snapshot_content_fixed")


def _sqlite_create(columns: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS compliance_decision_no_update BEFORE UPDATE ON {DECISION_TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'compliance decisions are append-only: UPDATE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS compliance_decision_no_delete BEFORE DELETE ON {DECISION_TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'compliance decisions are append-only: DELETE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS compliance_snapshot_content_fixed BEFORE UPDATE OF {columns} "
        f"ON {SNAPSHOT_TABLE} BEGIN SELECT RAISE(ABORT, 'a form snapshot''s content cannot change'); END",
    ]


def _pg_create(columns: str) -> list[str]:
    return [
        """CREATE OR REPLACE FUNCTION compliance_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'compliance: % on % refused (append-only audit records)', TG_OP, TG_TABLE_NAME;
        END $$""",
        *_pg_drop(),
        f"CREATE TRIGGER compliance_decision_no_update BEFORE UPDATE ON {DECISION_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION compliance_refuse_change()",
        f"CREATE TRIGGER compliance_decision_no_delete BEFORE DELETE ON {DECISION_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION compliance_refuse_change()",
        f"CREATE TRIGGER compliance_snapshot_content_fixed BEFORE UPDATE OF {columns} ON {SNAPSHOT_TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION compliance_refuse_change()",
    ]


def _sqlite_drop() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS]


def _pg_drop() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS compliance_decision_no_update ON {DECISION_TABLE}",
        f"DROP TRIGGER IF EXISTS compliance_decision_no_delete ON {DECISION_TABLE}",
        f"DROP TRIGGER IF EXISTS compliance_snapshot_content_fixed ON {SNAPSHOT_TABLE}",
    ]


_STATEMENTS = {"sqlite": (_sqlite_create, _sqlite_drop), "postgresql": (_pg_create, _pg_drop)}


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: Any, *, snapshot_columns: str = SNAPSHOT_CONTENT) -> bool:
    """Create the triggers on this connection's database; False when its vendor has none of ours.

    Migrations pass the snapshot columns of their own time (a trigger may only name columns that exist).
    """
    if connection.vendor not in _STATEMENTS:
        return False
    _run(connection, _STATEMENTS[connection.vendor][0](snapshot_columns))
    return True


def remove(connection: Any) -> None:
    """Drop the triggers (migration reversal; tests that tamper on purpose)."""
    if connection.vendor in _STATEMENTS:
        _run(connection, _STATEMENTS[connection.vendor][1]())


def installed(connection: Any) -> list[str]:
    """The names of our triggers present in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            return []
        names = {row[0] for row in cursor.fetchall()}
    return [name for name in TRIGGERS if name in names]


@contextmanager
def lifted(connection: Any) -> Iterator[None]:
    """Drop the triggers for the block and put them back after: only for deliberate maintenance and tests."""
    remove(connection)
    try:
        yield
    finally:
        install(connection)
