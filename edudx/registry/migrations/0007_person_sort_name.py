"""People sort by a stored key (issue #13 item 6): given name, then middle and family name, in
Vietnamese collation (core.text.vn_sort_key), indexed alone and behind the school, replacing the
two name_key list indexes of each table (the search keeps name_key and its full-text index).

The column is added by plain ALTER TABLE … ADD COLUMN with a constant default: Django would
remake the SQLite table for a NOT NULL AddField (a copy of 2.5 million rows that also drops the
FTS5 triggers), and PostgreSQL adds such a column without rewriting the table. The fill runs in
batches of 5,000 ids, each its own transaction (the migration is not atomic), and the indexes
are built after it, once."""

from django.db import migrations, models, transaction

BATCH = 5_000
TABLES = ("registry_student", "registry_staff")


def fill(apps, schema_editor):
    from edudx.core.db.bulk import update_rows
    from edudx.core.text import vn_sort_key

    for name in ("Student", "Staff"):
        model = apps.get_model("registry", name)
        last = 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "full_name")[:BATCH]
            )
            if not rows:
                break
            with transaction.atomic():
                update_rows(model, ("sort_name",), [(vn_sort_key(full), pk) for pk, full in rows])
            last = rows[-1][0]


def _add_column(table):
    return migrations.RunSQL(
        f'ALTER TABLE "{table}" ADD COLUMN "sort_name" varchar(400) NOT NULL DEFAULT \'\'',
        reverse_sql=f'ALTER TABLE "{table}" DROP COLUMN "sort_name"',
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("registry", "0006_pid_unique_message"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name=model,
                    name="sort_name",
                    field=models.CharField(default="", editable=False, max_length=400),
                )
                for model in ("student", "staff")
            ],
            database_operations=[_add_column(t) for t in TABLES],
        ),
        migrations.RemoveIndex(model_name="student", name="registry_student_name"),
        migrations.RemoveIndex(model_name="student", name="registry_student_school_name"),
        migrations.RemoveIndex(model_name="staff", name="registry_staff_name"),
        migrations.RemoveIndex(model_name="staff", name="registry_staff_school_name"),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterModelOptions(
            name="student",
            options={
                "ordering": ("sort_name", "id"),
                "verbose_name": "student",
                "verbose_name_plural": "students",
            },
        ),
        migrations.AlterModelOptions(
            name="staff",
            options={
                "ordering": ("sort_name", "id"),
                "verbose_name": "staff member",
                "verbose_name_plural": "staff",
            },
        ),
        migrations.AddIndex(
            model_name="student", index=models.Index(fields=["sort_name", "id"], name="registry_student_sort")
        ),
        migrations.AddIndex(
            model_name="student",
            index=models.Index(fields=["school", "sort_name", "id"], name="registry_student_school_sort"),
        ),
        migrations.AddIndex(
            model_name="staff", index=models.Index(fields=["sort_name", "id"], name="registry_staff_sort")
        ),
        migrations.AddIndex(
            model_name="staff",
            index=models.Index(fields=["school", "sort_name", "id"], name="registry_staff_school_sort"),
        ),
    ]
