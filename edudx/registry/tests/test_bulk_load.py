"""The bulk-load context of big imports (services/bulk.py, bulk_pg.py on PostgreSQL): ids
reserved in one range while the load holds its tables, and the foreign keys it keeps still
checked row by row."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from edudx.core.models import HistoryEntry
from edudx.registry.models import Student
from edudx.registry.services import bulk

pytestmark = pytest.mark.django_db

_HISTORY = ("content_type_id", "object_id", "object_repr", "action", "operation", "actor_label", "via", "source", "changes", "note", "at")  # fmt: skip


def _history_row(content_type_id: int) -> tuple:
    return (content_type_id, "1", "x", "create", "test", "system", "import", "test", "{}", "", bulk.db_now())


def test_a_bulk_load_reserves_ids_in_one_range_that_later_inserts_do_not_reuse(city, settings):
    settings.INGEST_BULK_LOAD_SHARE = 0  # every table counts as big: the load holds them
    before = Student.objects.order_by("-id").values_list("id", flat=True).first()
    with transaction.atomic(), bulk.student_bulk_load(10**9):
        ids = bulk.allocate_ids(Student, 1000)
        assert isinstance(ids, range) and len(ids) == 1000 and ids[0] > before
        Student.objects.create(id=ids[-1], full_name="Trong Nạp", name_key="trong nap", gender="nu")
        later = bulk.allocate_ids(Student, 3)
        assert min(later) > ids[-1]
    st = Student.objects.create(full_name="Sau Nạp", name_key="sau nap", gender="nam")
    assert st.pk > ids[-1]


def test_a_postgres_bulk_load_prices_index_probes_as_on_ssd_for_its_own_transaction_only(city, settings):
    settings.INGEST_BULK_LOAD_SHARE = 0

    def page_cost() -> str | None:
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cur:
            cur.execute("SELECT current_setting('random_page_cost')")
            return cur.fetchone()[0]

    if connection.vendor == "postgresql":  # the default, whatever the test server is set to
        with connection.cursor() as cur:
            cur.execute("SET random_page_cost = 4")
    before = page_cost()
    with transaction.atomic(), bulk.student_bulk_load(10**9):
        inside = page_cost()
    assert (inside, page_cost()) == ((None, None) if before is None else ("1.1", "4"))


def test_a_bulk_load_still_checks_the_foreign_keys_it_keeps(city, settings):
    settings.INGEST_BULK_LOAD_SHARE = 0
    missing = (ContentType.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1000
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.student_bulk_load(10**9):
        bulk.insert_rows(HistoryEntry, _HISTORY, [_history_row(missing)])
        # PostgreSQL refuses the row at the end of its COPY already; SQLite at the check.
        connection.check_constraints(table_names=[HistoryEntry._meta.db_table])
    # A valid row goes in under the same load.
    ct = ContentType.objects.get_for_model(Student).pk
    with transaction.atomic(), bulk.student_bulk_load(10**9):
        bulk.insert_rows(HistoryEntry, _HISTORY, [_history_row(ct)])
    assert HistoryEntry.objects.filter(operation="test", content_type_id=ct).count() == 1
