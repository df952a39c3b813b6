"""Database triggers that refuse UPDATE/DELETE of decisions and changes to a snapshot's content (compliance.dbguard).

A later migration that alters these tables on SQLite rebuilds them and loses the triggers: it must run
compliance.dbguard.install again.
"""

from django.db import migrations


def install(apps, schema_editor):
    from compliance import dbguard

    dbguard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from compliance import dbguard

    dbguard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
