"""Accent-insensitive name search: FTS5 on SQLite, a GIN full-text index on PostgreSQL."""

from django.db import migrations

from edudx.core.search import index_operation


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [
        index_operation("registry_student", "name_key"),
        index_operation("registry_staff", "name_key"),
    ]
