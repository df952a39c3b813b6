"""Database triggers that refuse UPDATE/DELETE of decisions and changes to a snapshot's content.

The SQL is frozen here, in the migration that installs it, so what migrating a database does never changes with
later code; ``compliance.dbguard`` (verify_audit, tests that tamper on purpose) uses these statements. A later
migration that alters these tables on SQLite rebuilds them and loses the triggers: it must install them again
(0003 does), naming the snapshot columns of its own time.
"""

from django.db import migrations

DECISION_TABLE = "compliance_decision"
SNAPSHOT_TABLE = "compliance_formsnapshot"
TRIGGERS = ("compliance_decision_no_update", "compliance_decision_no_delete", "compliance_snapshot_content_fixed")
COLUMNS_0002 = "kind, sha256, raw, sub_app_version, web_form, user_details, fetched_at"


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


STATEMENTS = {"sqlite": (_sqlite_create, _sqlite_drop), "postgresql": (_pg_create, _pg_drop)}
"""vendor -> (create(snapshot_columns), drop()); other databases get no triggers (verify_audit says so)."""


def install_triggers(connection, snapshot_columns: str) -> bool:
    """Create the triggers on this connection's database; False when its vendor has none."""
    if connection.vendor not in STATEMENTS:
        return False
    with connection.cursor() as cursor:
        for statement in STATEMENTS[connection.vendor][0](snapshot_columns):
            cursor.execute(statement)
    return True


def remove_triggers(connection) -> None:
    """Drop the triggers (a reversal, a table rebuild, deliberate maintenance)."""
    if connection.vendor in STATEMENTS:
        with connection.cursor() as cursor:
            for statement in STATEMENTS[connection.vendor][1]():
                cursor.execute(statement)


def install(apps, schema_editor):
    install_triggers(schema_editor.connection, COLUMNS_0002)


def remove(apps, schema_editor):
    remove_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
