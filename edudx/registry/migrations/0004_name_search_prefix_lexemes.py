"""PostgreSQL name search: index every word prefix as a lexeme ("an*"), so that the last,
still-typed word is an exact GIN entry instead of a partial match whose bitmap turned lossy
over a city (see core/search.py). Nothing changes on SQLite."""

from django.db import migrations

from edudx.core.search import prefix_index_operation


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_student_school_status_index")]

    operations = [
        prefix_index_operation("registry_student", "name_key"),
        prefix_index_operation("registry_staff", "name_key"),
    ]
