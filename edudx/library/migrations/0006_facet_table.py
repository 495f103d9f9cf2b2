"""SQLite: the narrow facet table the search walk filters and counts by (issue #20 item 3),
kept by triggers on resources and their grades, filled from the resources already there.
Nothing changes on PostgreSQL."""

from django.db import migrations

from edudx.library.search_facets import facet_migration_operation


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0005_search_terms"),
    ]

    operations = [facet_migration_operation()]
