"""The rules rows stored before Circular 27's block existed get it (`params["primary"]`: the
periodic-test subjects by grade, the 1–10 scale, the year's evaluation levels)."""

from django.db import migrations

from edudx.results.rules import PRIMARY


def forwards(apps, schema_editor):
    for row in apps.get_model("results", "RuleSet").objects.all():
        if "primary" not in row.params:
            row.params = {**row.params, "primary": PRIMARY}
            row.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("results", "0004_primary_tt27_ratings")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
