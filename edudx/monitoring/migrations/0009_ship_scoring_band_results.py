"""Ship the 4725 band of sub-item II.3c ("Sổ điểm điện tử, học bạ điện tử") read from the results
indicator `results.scorebook_share` (data/fw_4725_scoring.json): the loader adds the bands a
framework lacks and keeps those already there (a corrected band stays)."""

from types import SimpleNamespace

from django.db import migrations


def ship(apps, schema_editor):
    from edudx.monitoring import loader

    models = SimpleNamespace(
        Framework=apps.get_model("monitoring", "Framework"),
        Criterion=apps.get_model("monitoring", "Criterion"),
        ScoringBand=apps.get_model("monitoring", "ScoringBand"),
    )
    loader.load_scoring(models, loader.read("fw_4725_scoring.json"))


def unship(apps, schema_editor):
    apps.get_model("monitoring", "ScoringBand").objects.filter(
        criterion__group__framework__code="4725", subitem_code="c", indicator_code="results.scorebook_share"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0008_ship_scoring_bands_3806")]
    operations = [migrations.RunPython(ship, unship)]
