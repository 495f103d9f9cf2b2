"""The history's content_type foreign-key index is a prefix of core_hist_obj_at
(content_type, object_id, -at): every query by content type can read the composite, and the
redundant index was one more B-tree to keep up per history entry and to rebuild after a big
import. Dropped by name, as registry 0005 does (no table remake on SQLite)."""

import django.db.models.deletion
from django.db import migrations, models

_NAME = "core_historyentry_content_type_id_69fe0e90"


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="historyentry",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{_NAME}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{_NAME}" ON "core_historyentry" ("content_type_id")',
                ),
            ],
        ),
    ]
