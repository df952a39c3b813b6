"""Database triggers that refuse UPDATE/DELETE of decisions and changes to a snapshot's content (compliance.dbguard).

A later migration that alters these tables on SQLite rebuilds them and loses the triggers: it must run
compliance.dbguard.install again.
"""

from django.db import migrations

COLUMNS_0002 = "kind, sha256, raw, sub_app_version, web_form, user_details, fetched_at"


def install(apps, schema_editor):
    from compliance import dbguard

    # The snapshot's content columns of this migration's time (0003 replaced raw with raw_text).
    dbguard.install(schema_editor.connection, snapshot_columns=COLUMNS_0002)


def remove(apps, schema_editor):
    from compliance import dbguard

    dbguard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
