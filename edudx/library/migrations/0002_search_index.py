from django.db import migrations

from edudx.library.search import migration_operation


class Migration(migrations.Migration):
    dependencies = [("library", "0001_resources")]

    operations = [migration_operation()]
