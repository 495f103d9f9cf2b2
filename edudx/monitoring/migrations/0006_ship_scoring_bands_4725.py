"""Ship the 4725 framework's scoring bands (data/fw_4725_scoring.json) and the levels it
evaluates (general and continuing education: not preschools), for every 4725 framework."""

from types import SimpleNamespace

from django.db import migrations


def ship(apps, schema_editor):
    from edudx.monitoring import loader

    models = SimpleNamespace(
        Framework=apps.get_model("monitoring", "Framework"),
        Criterion=apps.get_model("monitoring", "Criterion"),
        ScoringBand=apps.get_model("monitoring", "ScoringBand"),
    )
    for name in loader.SCORING:
        loader.load_scoring(models, loader.read(name))


def unship(apps, schema_editor):
    apps.get_model("monitoring", "ScoringBand").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_scoring_bands_auto_points_levels")]
    operations = [migrations.RunPython(ship, unship)]
