"""Finer statistics for the hostname search's expression, ``UPPER(hostname)`` (PostgreSQL).

The planner estimates ``UPPER(hostname) LIKE '%text%'`` from the expression's histogram: with the default 100
bounds, one bound that happens to match (a rare search, 9 devices of 100,000, meets one in a few ANALYZE samples)
reads as 1% of the table, and a page of such a search then walked the whole hostname index in sort order (70-95 ms)
instead of reading the trigram index and sorting its few rows (1 ms). With 1,000 bounds such a match reads as 0.1%,
and the trigram index wins either way. Nothing to do where the index was not created (no pg_trgm).
"""

from django.db import migrations

TRIGRAM_INDEX = "device_hostname_trgm"


def _statistics(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relname = %s AND relkind = 'i'", [TRIGRAM_INDEX])
        if cursor.fetchone() is None:
            return
    schema_editor.execute(f"ALTER INDEX {TRIGRAM_INDEX} ALTER COLUMN 1 SET STATISTICS {target}")


def finer(apps, schema_editor):
    _statistics(schema_editor, 1000)


def default(apps, schema_editor):
    _statistics(schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_covering_sort_indexes_hostname_trigram"),
    ]

    operations = [migrations.RunPython(finer, default, elidable=False)]
