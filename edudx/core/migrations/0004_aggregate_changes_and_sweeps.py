"""Maintained aggregates refreshed by what changed (issue #21 item 2): the keys whose inputs
changed since the last sweep (written by triggers on the input tables, edudx/core/aggregates.py)
and each aggregate's sweep time."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_aggregate_maintained_figures"),
    ]

    operations = [
        migrations.CreateModel(
            name="AggregateChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=64)),
                ("key", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["name", "key"], name="core_aggchange_name_key")],
            },
        ),
        migrations.CreateModel(
            name="AggregateState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=64, unique=True)),
                ("swept_at", models.DateTimeField()),
                ("full_on", models.DateField(null=True)),
            ],
        ),
    ]
