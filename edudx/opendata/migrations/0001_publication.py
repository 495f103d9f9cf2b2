import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Publication",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dataset", models.CharField(max_length=60, verbose_name="dataset")),
                ("version", models.PositiveIntegerField(verbose_name="version")),
                ("published_at", models.DateTimeField(verbose_name="published at")),
                ("as_of", models.DateTimeField(verbose_name="figures as of")),
                ("rows", models.PositiveIntegerField(verbose_name="rows")),
                ("threshold", models.PositiveIntegerField(verbose_name="smallest published count")),
                (
                    "hidden_primary",
                    models.PositiveIntegerField(default=0, verbose_name="small counts hidden"),
                ),
                (
                    "hidden_complementary",
                    models.PositiveIntegerField(default=0, verbose_name="counts hidden to protect them"),
                ),
                ("csv_file", models.CharField(max_length=255)),
                ("csv_sha256", models.CharField(max_length=64)),
                ("parquet_file", models.CharField(max_length=255)),
                ("parquet_sha256", models.CharField(max_length=64)),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("dataset", "-version"),
                "constraints": [
                    models.UniqueConstraint(fields=("dataset", "version"), name="opendata_one_version")
                ],
            },
        ),
    ]
