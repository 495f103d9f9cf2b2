"""PostgreSQL: the pupils' list order with the folded name and the school in the index
(INCLUDE), so that a broad name search ("tran thi": 29,000 of 2.5 M pupils) walks the list's
order index-only, testing each name there, instead of fetching a heap row per pupil passed
(core.search.names). Nothing on SQLite: its walk tests the FTS5 matches as a set on the
covering (sort_name, id) index. Built CONCURRENTLY: a city's pupils keep being written."""

from django.db import migrations

NAME = "registry_student_sort_names"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NAME} "
            "ON registry_student (sort_name, id) INCLUDE (name_key, school_id)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("registry", "0008_school_year_closed")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
