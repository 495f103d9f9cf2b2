"""The platform's batch write (`services.statements_record`): many statements validated and
stored in one transaction through the LRS's own write path; all or nothing."""

import copy

import pytest

from edudx.core.errors import ValidationFailed
from edudx.lrs import services
from edudx.lrs.models import Statement, StatementKey

from .conftest import stmt, uid

pytestmark = pytest.mark.django_db


def test_a_batch_is_stored_in_order_in_the_units_subtree(city):
    unit = city.schools[0].unit
    sent = [stmt(id=uid()) for _ in range(5)] + [stmt()]
    ids = services.statements_record(actor=city.actor_of("teacher"), statements=sent, unit=unit)
    assert ids[:5] == [s["id"] for s in sent[:5]]
    assert len(ids) == 6 and len(set(ids)) == 6
    rows = Statement.objects.filter(statement_id__in=ids)
    assert rows.count() == 6
    assert set(rows.values_list("unit_path", flat=True)) == {unit.path}
    # The same query keys as one-by-one writes: a statement stored alone has as many.
    one = services.statement_record(actor=city.actor_of("teacher"), statement=stmt(), unit=unit)
    per_statement = StatementKey.objects.filter(statement__statement_id=one).count()
    assert StatementKey.objects.filter(statement__statement_id__in=ids).count() == 6 * per_statement


def test_one_invalid_statement_refuses_the_whole_batch(city):
    unit = city.schools[0].unit
    bad = stmt(verb={"id": "not an iri"})
    with pytest.raises(ValidationFailed) as err:
        services.statements_record(
            actor=city.actor_of("teacher"), statements=[stmt(), bad, stmt()], unit=unit
        )
    assert err.value.code == "xapi_400"
    assert "[1]" in str(err.value.message)
    assert Statement.objects.count() == 0


def test_a_batch_repeating_an_id_is_refused_and_nothing_is_stored(city):
    same = uid()
    with pytest.raises(ValidationFailed) as err:
        services.statements_record(
            actor=city.actor_of("teacher"),
            statements=[stmt(id=same), stmt(id=same)],
            unit=city.schools[0].unit,
        )
    assert err.value.code == "xapi_400"
    assert Statement.objects.count() == 0


def test_resending_a_stored_statement_in_a_batch_keeps_one_copy(city):
    unit = city.schools[0].unit
    first = stmt(id=uid())
    services.statements_record(actor=city.actor_of("teacher"), statements=[copy.deepcopy(first)], unit=unit)
    services.statements_record(actor=city.actor_of("teacher"), statements=[first, stmt()], unit=unit)
    assert Statement.objects.filter(statement_id=first["id"]).count() == 1
    assert Statement.objects.count() == 2


def test_empty_and_oversized_batches(city, monkeypatch):
    unit = city.schools[0].unit
    assert services.statements_record(actor=city.actor_of("teacher"), statements=[], unit=unit) == []
    monkeypatch.setattr(services, "MAX_BATCH", 2)
    with pytest.raises(ValidationFailed) as err:
        services.statements_record(
            actor=city.actor_of("teacher"), statements=[stmt(), stmt(), stmt()], unit=unit
        )
    assert err.value.code == "xapi_batch_too_large"
    assert Statement.objects.count() == 0


def test_a_batch_inside_a_failed_transaction_leaves_nothing(city):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.statements_record(
            actor=city.actor_of("teacher"), statements=[stmt(), stmt()], unit=city.schools[0].unit
        )
        raise RuntimeError("the caller's write failed after the statements")
    assert Statement.objects.count() == 0


def test_batches_prepared_apart_are_stored_as_statements_record_stores_them(city):
    """A writer of many requests prepares each request's statements outside its lock
    (`statements_prepare`) and stores them together (`statements_store`): the same rows — JSON
    as served, columns, query keys — as `statements_record` writes, in the order sent."""
    import json

    unit = city.schools[0].unit
    teacher = city.actor_of("teacher")
    a, b = [stmt(id=uid()) for _ in range(3)], [stmt(id=uid()), stmt()]
    twins = copy.deepcopy(a + b)
    for s in twins:
        s["id"] = uid()
    ids = services.statements_store(
        actor=teacher,
        batches=[services.statements_prepare(statements=x, unit=unit) for x in (a, b)],
    )
    assert ids[:4] == [s["id"] for s in a + b[:1]] and len(ids) == 5
    ref = services.statements_record(actor=teacher, statements=twins, unit=unit)

    def stored(sid: str) -> tuple:
        row = Statement.objects.get(statement_id=sid)
        data = json.loads(row.data)
        for k in ("id", "stored", "timestamp"):
            data.pop(k, None)
        keys = sorted(StatementKey.objects.filter(statement=row).values_list("key", "direct"))
        return data, row.verb_iri, row.actor_key, row.object_iri, row.unit_path, keys

    for mine, theirs in zip(ids, ref, strict=True):
        assert stored(mine) == stored(theirs)
    in_order = (
        Statement.objects.filter(statement_id__in=ids).order_by("id").values_list("statement_id", flat=True)
    )
    assert [str(i) for i in in_order] == ids


def test_prepared_batches_repeating_an_id_between_them_are_refused_together(city):
    unit = city.schools[0].unit
    same = uid()
    one = services.statements_prepare(statements=[stmt(id=same)], unit=unit)
    two = services.statements_prepare(statements=[stmt(id=same), stmt()], unit=unit)
    with pytest.raises(ValidationFailed) as err:
        services.statements_store(actor=city.actor_of("teacher"), batches=[one, two])
    assert err.value.code == "xapi_400"
    assert Statement.objects.count() == 0
    with pytest.raises(ValidationFailed) as err:
        services.statements_prepare(statements=[stmt(verb={"id": "not an iri"})], unit=unit)
    assert err.value.code == "xapi_400"
