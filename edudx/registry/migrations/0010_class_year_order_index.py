"""The class list of a year in its order, for the department (131,000 classes of a city were
sorted per view, issue #21). The table is analysed at once: SQLite's planner, without
statistics for the new index, walked it for a ward's list too and tested every class's
school path (0.5 s); with them it reads a ward's schools by the unique index."""

from django.db import migrations, models


def analyse(apps, schema_editor):
    schema_editor.execute("ANALYZE registry_schoolclass")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_student_sort_names_covering"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="schoolclass",
            index=models.Index(fields=["year", "grade", "name", "id"], name="registry_class_year_order"),
        ),
        migrations.RunPython(analyse, migrations.RunPython.noop, elidable=False),
    ]
