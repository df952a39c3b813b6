"""FormSnapshot keeps the raw answer as canonical JSON text (``raw_text``) instead of a JSON column.

The hashed bytes are then the stored bytes, and a NUL character in the upstream's content (refused by PostgreSQL's
json/text types as a raw character) is kept escaped. The sha256 does not change: it was already taken over the
same canonical JSON. SQLite cannot drop a column a trigger names, so the guard is lifted and put back around it.
"""

import importlib
import json

from django.db import migrations, models

# The trigger SQL is 0002's, frozen there; only the snapshot columns it guards change here.
triggers = importlib.import_module("compliance.migrations.0002_append_only_triggers")
COLUMNS_0003 = "kind, sha256, raw_text, sub_app_version, web_form, user_details, fetched_at"


def guard_off(apps, schema_editor):
    triggers.remove_triggers(schema_editor.connection)


def guard_on(apps, schema_editor):
    triggers.install_triggers(schema_editor.connection, COLUMNS_0003)


def guard_on_0002(apps, schema_editor):
    triggers.install_triggers(schema_editor.connection, triggers.COLUMNS_0002)


def raw_to_text(apps, schema_editor):
    snapshot_model = apps.get_model("compliance", "FormSnapshot")
    for snapshot in snapshot_model.objects.all():
        text = json.dumps(snapshot.raw, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
        snapshot_model.objects.filter(pk=snapshot.pk).update(raw_text=text)


def text_to_raw(apps, schema_editor):
    snapshot_model = apps.get_model("compliance", "FormSnapshot")
    for snapshot in snapshot_model.objects.all():
        snapshot_model.objects.filter(pk=snapshot.pk).update(raw=json.loads(snapshot.raw_text or "{}"))


class Migration(migrations.Migration):
    dependencies = [("compliance", "0002_append_only_triggers")]

    operations = [
        migrations.RunPython(guard_off, guard_on_0002),
        migrations.AddField(
            model_name="formsnapshot",
            name="raw_text",
            field=models.TextField(
                default="", help_text="The whole answer of the GET as canonical JSON, exactly as delivered"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(model_name="formsnapshot", name="raw", field=models.JSONField(null=True)),
        migrations.RunPython(raw_to_text, text_to_raw),
        migrations.RemoveField(model_name="formsnapshot", name="raw"),
        migrations.AlterField(
            model_name="formsnapshot",
            name="sha256",
            field=models.CharField(help_text="sha256 of raw_text", max_length=64),
        ),
        migrations.RunPython(guard_on, guard_off),
    ]
