"""Database triggers that refuse UPDATE and DELETE of decisions (and changes to a snapshot's content).

The model, queryset and admin already refuse; the triggers also stop a stray SQL statement or another program
on the same database. They do not stop someone who may drop triggers: that is what verify_audit's hash chain
is for. Their SQL is frozen in migration 0002 (SQLite and PostgreSQL; other databases get none, and verify_audit
says so); this module checks for them and lifts them for deliberate maintenance and tests, with that SQL and
today's snapshot columns.

SQLite rebuilds a table (and drops its triggers) when a later migration alters it: such a migration must install
them again. ``verify_audit`` reports a missing guard.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_frozen = importlib.import_module("compliance.migrations.0002_append_only_triggers")
TRIGGERS: tuple[str, ...] = _frozen.TRIGGERS
# The snapshot's content columns as the latest migration that changed them left them.
SNAPSHOT_CONTENT: str = importlib.import_module("compliance.migrations.0003_formsnapshot_raw_text").COLUMNS_0003


def install(connection: Any) -> bool:
    """Create the triggers on this connection's database (today's columns); False when its vendor has none."""
    return _frozen.install_triggers(connection, SNAPSHOT_CONTENT)


def remove(connection: Any) -> None:
    """Drop the triggers (tests that tamper on purpose)."""
    _frozen.remove_triggers(connection)


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
