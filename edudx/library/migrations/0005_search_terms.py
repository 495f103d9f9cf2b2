"""The typo fallback's vocabulary on PostgreSQL (issue #20 item 1): pg_trgm, the term table
`search_term` with its trigram index, a trigger adding the words of each resource written, and
the words already there. Nothing changes on SQLite, which reads FTS5's own vocabulary."""

from django.db import migrations

from edudx.library.search import terms_migration_operation


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0004_resource_state_fsm"),
    ]

    operations = [terms_migration_operation()]
