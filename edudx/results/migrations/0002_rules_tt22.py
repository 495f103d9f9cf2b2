from django.db import migrations

from edudx.results.rules import DEFAULT_PARAMS


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("results", "RuleSet")
    RuleSet.objects.update_or_create(
        code="tt22-2021",
        defaults={
            "name": "Thông tư 22/2021/TT-BGDĐT (THCS, THPT); Thông tư 27/2020/TT-BGDĐT (tiểu học)",
            "valid_from": "2021-2022",
            "params": DEFAULT_PARAMS,
        },
    )


def backwards(apps, schema_editor):
    apps.get_model("results", "RuleSet").objects.filter(code="tt22-2021").delete()


class Migration(migrations.Migration):
    dependencies = [("results", "0001_results")]
    operations = [migrations.RunPython(forwards, backwards)]
