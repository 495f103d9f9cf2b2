"""Ship the learners' framework (Circular 02/2025), the teachers' and managers' framework, the
IT-skills standard (Circular 03/2014) and the certificate catalogue as data (data/shipped.json)."""

from types import SimpleNamespace

from django.db import migrations

NAMES = ("Framework", "Domain", "Competence", "Level", "Certificate")


def ship(apps, schema_editor):
    from edudx.skills import loader

    loader.load(SimpleNamespace(**{n: apps.get_model("skills", n) for n in NAMES}), loader.read())


def unship(apps, schema_editor):
    from edudx.skills import loader

    data = loader.read()
    apps.get_model("skills", "Certificate").objects.filter(
        code__in=[c["code"] for c in data["certificates"]], holders__isnull=True
    ).delete()
    for fw in data["frameworks"]:
        apps.get_model("skills", "Framework").objects.filter(
            code=fw["code"], version=fw["version"], campaigns__isnull=True
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
