"""PostgreSQL: the title + body search vector as a stored generated column with its GIN index,
in place of the index over the expression (ranking and lossy-bitmap rechecks read the column
instead of parsing the body again; decision 0011). Nothing changes on SQLite."""

from django.db import migrations

from edudx.library.search_pg import vector_migration_operation


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0006_facet_table"),
    ]

    operations = [vector_migration_operation()]
