import django_fsm
from django.db import migrations


class Migration(migrations.Migration):
    """The assessment's status becomes a django-fsm-2 FSMField (docs/decisions/0010): the same
    varchar(12) column, the moves declared on the model. An AlterField only, no data change."""

    dependencies = [
        ("monitoring", "0002_ship_frameworks_4725_3806"),
    ]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("not_started", "Not started"),
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("returned", "Returned"),
                    ("approved", "Approved"),
                    ("published", "Published"),
                ],
                default="not_started",
                max_length=12,
                verbose_name="status",
            ),
        ),
    ]
