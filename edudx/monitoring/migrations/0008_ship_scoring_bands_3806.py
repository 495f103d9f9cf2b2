"""Ship the 3806 framework's scoring bands (data/fw_3806_scoring.json): the group "results of
the schools managed" is scored from the published school results (4725 levels) of the
authority's schools."""

from types import SimpleNamespace

from django.db import migrations


def ship(apps, schema_editor):
    from edudx.monitoring import loader

    models = SimpleNamespace(
        Framework=apps.get_model("monitoring", "Framework"),
        Criterion=apps.get_model("monitoring", "Criterion"),
        ScoringBand=apps.get_model("monitoring", "ScoringBand"),
    )
    loader.load_scoring(models, loader.read("fw_3806_scoring.json"))


def unship(apps, schema_editor):
    apps.get_model("monitoring", "ScoringBand").objects.filter(
        criterion__group__framework__code="3806"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0007_authority_assessments")]
    operations = [migrations.RunPython(ship, unship)]
