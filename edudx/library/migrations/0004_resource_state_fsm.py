import django_fsm
from django.db import migrations


class Migration(migrations.Migration):
    """The resource's state becomes a django-fsm-2 FSMField (docs/decisions/0010).

    The column stays varchar(12) NOT NULL, so only Django's state changes: on SQLite a plain
    AlterField would remake library_resource (the field's class path changed), and dropping the
    table drops the FTS5 triggers that keep library search in step with it.
    """

    dependencies = [
        ("library", "0003_title_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="resource",
                    name="state",
                    field=django_fsm.FSMField(
                        choices=[
                            ("draft", "Draft"),
                            ("submitted", "Submitted for review"),
                            ("reviewed", "Reviewed"),
                            ("published", "Published"),
                            ("returned", "Returned with comments"),
                            ("taken_down", "Taken down"),
                        ],
                        default="draft",
                        max_length=12,
                        verbose_name="state",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
