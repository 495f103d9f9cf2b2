"""The department's device list in its order (asset tag, id): 250,000 devices of a city were
sorted per view (issue #21). The table is analysed at once, so that SQLite's planner keeps
reading a ward's or a school's devices school by school rather than walking the new index."""

from django.db import migrations, models


def analyse(apps, schema_editor):
    schema_editor.execute("ANALYZE infrastructure_device")


class Migration(migrations.Migration):
    dependencies = [
        ("infrastructure", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="device",
            index=models.Index(fields=["asset_tag", "id"], name="infra_device_tag"),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=False),
    ]
