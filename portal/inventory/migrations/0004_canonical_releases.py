"""Store every device's release in its canonical spelling (17.09.04a -> 17.9.4a), as every entry now does.

Only leading zeros go: a release that is not a Cisco release (an ``other`` text) is left as it is, for the
engineer to correct on the device's page (the form refuses it there). The sort key is unchanged by design
(equivalent spellings have one key).
"""

from django.db import migrations

from portal.cisco.versions import Scheme, parse_version


def canonical_releases(apps, schema_editor):
    device = apps.get_model("inventory", "Device")
    texts = device.objects.exclude(current_release="").values_list("current_release", flat=True).distinct()
    for text in list(texts.order_by()):
        version = parse_version(text)
        if version.scheme is not Scheme.OTHER and version.normalized != text:
            device.objects.filter(current_release=text).update(current_release=version.normalized)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0003_device_memory_flash")]

    operations = [migrations.RunPython(canonical_releases, migrations.RunPython.noop)]
