"""Ship the school framework (Decision 4725) and the authorities' framework (3806) as data."""

from types import SimpleNamespace

from django.db import migrations

# The evaluation year the shipped frameworks start from; later years are clones made in the UI.
FIRST_YEAR = 2025


def ship(apps, schema_editor):
    from edudx.monitoring import loader

    models = SimpleNamespace(
        Framework=apps.get_model("monitoring", "Framework"),
        FrameworkGroup=apps.get_model("monitoring", "FrameworkGroup"),
        Criterion=apps.get_model("monitoring", "Criterion"),
        SubItem=apps.get_model("monitoring", "SubItem"),
    )
    for name in loader.SHIPPED:
        loader.load(models, loader.read(name), year=FIRST_YEAR)


def unship(apps, schema_editor):
    Framework = apps.get_model("monitoring", "Framework")
    Framework.objects.filter(code__in=["4725", "3806"], year=FIRST_YEAR, campaigns__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_frameworks_campaigns_assessments")]
    operations = [migrations.RunPython(ship, unship)]
