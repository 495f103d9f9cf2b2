"""Two foreign-key indexes are prefixes of composite indexes that lead with the same column:
student.school_id (registry_student_school_name, registry_student_school_stat) and
enrolment.school_class_id (registry_enrol_class_state). Every query by those columns can read
the composite, and each redundant index was one more B-tree to keep up per pupil written and
to rebuild after a big import.

The indexes are dropped by name: on SQLite, Django would remake the whole table for this
AlterField, which drops the FTS5 name index's triggers with the old table."""

import django.db.models.deletion
from django.db import migrations, models

_DROP = [
    ("registry_student", "school_id", "registry_student_school_id_3c3d24fb"),
    ("registry_enrolment", "school_class_id", "registry_enrolment_school_class_id_1fe9250a"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_name_search_prefix_lexemes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enrolment",
                    name="school_class",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enrolments",
                        to="registry.schoolclass",
                    ),
                ),
                migrations.AlterField(
                    model_name="student",
                    name="school",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="students",
                        to="registry.school",
                        verbose_name="school",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in _DROP
            ],
        ),
    ]
