"""The database cache's table (the embedded default CACHE_URL), so ``manage.py migrate`` alone gives a working site.

It runs Django's ``createcachetable`` for the database being migrated: nothing with a Redis cache, nothing for a
table that exists. Switching CACHE_URL to another database table later needs ``manage.py createcachetable``.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
