"""Jobs that stopped waiting (resumed, then stored, failed or cancelled) kept the form they once waited for, so the
admin list showed a stored job "waiting for EULA". The services now clear it; this clears what they left."""

from django.db import migrations


def clear(apps, schema_editor) -> None:
    DownloadJob = apps.get_model("downloads", "DownloadJob")
    DownloadJob.objects.exclude(state__in=["awaiting_compliance", "blocked"]).exclude(waiting_for="").update(
        waiting_for=""
    )


class Migration(migrations.Migration):
    dependencies = [("downloads", "0001_initial")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
