"""Schools' plain rows for a department's dashboards come from a process's copy past
FEW_SCHOOLS ids (issue #21): the copy follows a rename, a move to another ward and a new school
at the next read; a ward's class list reads its own schools."""

import pytest

from edudx.core.actor import Actor
from edudx.core.roles import Role
from edudx.orgs import services as orgs
from edudx.registry import selectors
from edudx.registry.selectors import summaries

pytestmark = pytest.mark.django_db


@pytest.fixture
def wide(monkeypatch, city):
    """Every read of the mini city's schools counts as a department's (past FEW_SCHOOLS)."""
    monkeypatch.setattr(summaries, "FEW_SCHOOLS", 1)
    summaries._SUMMARY_MEMO.clear()
    return city


def _rows(city):
    return {r["id"]: r for r in selectors.school_summaries([s.pk for s in city.schools])}


def test_the_copy_is_read_once_and_follows_renames_and_moves(wide, django_assert_num_queries):
    city, a = wide, wide.schools[0]
    first = _rows(city)
    assert set(first) == {s.pk for s in city.schools}
    with django_assert_num_queries(1):  # the fingerprint only
        again = _rows(city)
    assert again == first
    again[a.pk]["name"] = "scribbled"  # a caller's copy: the shared rows stay as they were
    assert _rows(city)[a.pk]["name"] == first[a.pk]["name"]

    system = Actor.system(source="test")
    orgs.unit_update(actor=system, unit=a.unit, name="Trường Đổi Tên")
    assert _rows(city)[a.pk]["name"] == "Trường Đổi Tên"
    ward_b = city.wards[1]
    orgs.unit_update(actor=system, unit=ward_b, name="Phường Mới")
    assert {r["area"] for r in _rows(city).values() if r["area_id"] == ward_b.pk} == {"Phường Mới"}
    orgs.unit_move(actor=system, unit=a.unit, new_parent=ward_b)
    moved = _rows(city)[a.pk]
    assert (moved["area_id"], moved["area"]) == (ward_b.pk, "Phường Mới")


def test_a_few_ids_are_read_as_asked(city, django_assert_num_queries):
    summaries._SUMMARY_MEMO.clear()
    with django_assert_num_queries(1):
        rows = selectors.school_summaries([city.schools[0].pk])
    assert [r["id"] for r in rows] == [city.schools[0].pk]
    assert not summaries._SUMMARY_MEMO  # no copy of every school for a school's page


def test_a_wards_class_list_holds_its_schools_classes_only(city):
    scope = city.scope_of(Role.WARD_OFFICER)
    qs, order = selectors.class_list(scope=scope)
    seen = {c.school_id for c in qs.order_by(*order)}
    assert seen and seen <= {s.pk for s in city.schools[:2]}
    assert "registry_schoolclass.school_id IN (" in str(qs.query).replace('"', "")  # by the ids


def test_a_queryset_of_ids_is_a_subquery_of_the_one_query(city, django_assert_num_queries):
    from edudx.registry.models import School

    ids = School.objects.filter(pk=city.schools[0].pk).values_list("id", flat=True)
    with django_assert_num_queries(1):
        rows = selectors.school_summaries(ids)
    assert [r["id"] for r in rows] == [city.schools[0].pk]
