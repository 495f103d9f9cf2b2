"""SQLite: the pupils' list order with the folded name and the school in the index, as 0009 gave
PostgreSQL, so that a broad name search ("nguyen van": 82,000 of 2.5 M pupils) walks the list's
order testing each name in the index and reads a table row only for the page's pupils
(core.search.names): the department's search walked ~1,500 table rows for "nguyen van", or built
the set of its 82,000 matches twice a page (~100 ms CPU of the city's name search, issue #21).
The table is analysed at once, so that the planner knows the new index (0010's lesson)."""

from django.db import migrations

NAME = "registry_student_sort_names"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON registry_student (sort_name, id, name_key, school_id)"
        )
        schema_editor.execute("ANALYZE registry_student")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0010_class_year_order_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
