from django.db import migrations

from edudx.library.search import title_migration_operation


class Migration(migrations.Migration):
    """A title-only FTS5 index on SQLite (PostgreSQL already has library_resource_title_tsv)."""

    dependencies = [("library", "0002_search_index")]

    operations = [title_migration_operation()]
