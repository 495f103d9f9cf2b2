"""Name search (core/search.py over the registry's people), the same answers on SQLite (FTS5)
and PostgreSQL (GIN over prefix lexemes): earlier words are whole words, the last one a
prefix, in any order, without diacritics; the index follows edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from edudx.core.roles import Role
from edudx.core.rules import personal_id
from edudx.core.scope import Scope
from edudx.core.search import postgres_tsquery
from edudx.registry import selectors, services
from edudx.registry.filters import StaffFilter, StudentFilter
from edudx.registry.models import Student
from edudx.registry.schemas import StudentFields, StudentPatch

pytestmark = pytest.mark.django_db


def names(q: str) -> set[str]:
    qs, _order = selectors.student_list(scope=Scope.system(), filters=StudentFilter(q=q))
    return set(qs.values_list("full_name", flat=True))


def test_last_word_is_a_prefix_earlier_words_are_whole(city):
    assert names("nguyen van an paa") == {"Nguyễn Văn An Paa"}
    assert names("nguyen van an pa") == {"Nguyễn Văn An Paa", "Nguyễn Văn An Pab"}
    assert names("nguyen van a") >= {"Nguyễn Văn An Paa", "Nguyễn Văn An Pba"}
    assert names("nguyen va an") == set()  # "va" is not a whole word of any name
    assert names("nguye van") == set()


def test_words_match_in_any_order_and_without_diacritics(city):
    assert names("an nguyen paa") == {"Nguyễn Văn An Paa"}
    assert names("TRẦN thi BINH pbb") == {"Trần Thị Bình Pbb"}
    assert names("chau minh") == {f"Phạm Minh Châu {w}" for w in ("Paa", "Pab", "Pba", "Pbb")}


def test_a_prefix_entry_is_not_a_whole_word(city):
    # On PostgreSQL "binh" is indexed both as the word and as the prefixes "b*" … "binh*":
    # a whole-word term must not be answered by a prefix entry, nor the reverse.
    assert names("binh tr") == {f"Trần Thị Bình {w}" for w in ("Paa", "Pab", "Pba", "Pbb")}
    assert names("bin tran") == set()


def test_search_follows_a_rename(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    student = Student.objects.get(full_name="Nguyễn Văn An Paa")
    services.student_update(actor=actor, student=student, data=StudentPatch(full_name="Đặng Thuỳ Dương Paa"))
    assert names("dang thuy duong") == {"Đặng Thuỳ Dương Paa"}
    assert names("nguyen van an paa") == set()


def test_names_with_apostrophes_and_new_people_are_found(city):
    actor = city.actor_of(Role.SCHOOL_ADMIN)
    student = services.student_create(
        actor=actor,
        school=city.schools[0],
        data=StudentFields(
            full_name="H'Hen Niê",
            gender="female",
            date_of_birth=dt.date(2014, 5, 6),
            personal_id=personal_id.make("079", "female", 2014, 4243),
            moet_code="7999000002",
            parent_phone="0901 234 567",
        ),
    )
    assert student.name_key == "h'hen nie"
    assert names("nie h") == {student.full_name}
    assert names("hen ni") == {student.full_name}


def test_staff_search(city):
    qs, _order = selectors.staff_list(scope=Scope.system(), filters=StaffFilter(q="le thi giao pa"))
    assert set(qs.values_list("full_name", flat=True)) == {"Lê Thị Giáo Paa", "Lê Thị Giáo Pab"}


def test_postgres_query_terms_are_quoted_lexemes_the_last_one_a_prefix_entry():
    assert postgres_tsquery(["nguyen", "van", "an"]) == "'nguyen' & 'van' & 'an*'"
    assert postgres_tsquery(["o'x\\"]) == "'o''x\\\\*'"


def test_the_name_indexes_are_in_place_for_this_database(db):
    with connection.cursor() as cur:
        for table in ("registry_student", "registry_staff"):
            if connection.vendor == "postgresql":
                cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_name_key_tsv"])
                (indexdef,) = cur.fetchone()
                assert "USING gin (edudx_prefix_tsv(" in indexdef
            else:
                cur.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [f"{table}_name_key_fts"])
                assert cur.fetchone() == (1,)


@pytest.mark.parametrize("broad", [False, True], ids=["collect-then-sort", "walk-the-order"])
def test_broad_and_narrow_plans_give_the_same_page(city, monkeypatch, broad):
    """PostgreSQL picks the plan by the planner's estimate of the matches; both must answer
    alike (SQLite has one plan: the parametrisation then checks it twice)."""
    from edudx.core.search import names as search

    monkeypatch.setattr(search, "BROAD_MATCHES", -1 if broad else 10**12)
    monkeypatch.setattr(search, "PG_BROAD_MATCHES", -1 if broad else 10**12)
    assert names("nguyen van an pa") == {"Nguyễn Văn An Paa", "Nguyễn Văn An Pab"}
    assert names("TRẦN thi BINH pbb") == {"Trần Thị Bình Pbb"}
    qs, order = selectors.student_list(
        scope=city.scope_of(Role.WARD_OFFICER), filters=StudentFilter(q="chau")
    )
    assert {n.split()[-1] for n in qs.order_by(*order).values_list("full_name", flat=True)} <= {"Paa", "Pab"}


@pytest.mark.parametrize("broad", [False, True], ids=["collect-then-sort", "walk-the-order"])
def test_both_plans_keep_whole_words_and_the_last_words_prefix(city, monkeypatch, broad):
    """The walk tests each row's words itself (LIKE + GLOB on SQLite, to_tsvector on
    PostgreSQL): the same word boundaries as the index."""
    from edudx.core.search import names as search

    monkeypatch.setattr(search, "BROAD_MATCHES", -1 if broad else 10**12)
    monkeypatch.setattr(search, "PG_BROAD_MATCHES", -1 if broad else 10**12)
    assert names("nguyen va an") == set()
    assert names("nguye van") == set()
    assert names("bin tran") == set()
    assert names("binh tr") == {f"Trần Thị Bình {w}" for w in ("Paa", "Pab", "Pba", "Pbb")}
    assert names("an nguyen paa") == {"Nguyễn Văn An Paa"}


@pytest.mark.parametrize("broad", [False, True], ids=["collect-then-sort", "walk-the-order"])
def test_the_count_plan_selects_the_same_pupils(city, monkeypatch, broad):
    """A capped count may be planned apart from the page (PostgreSQL collects up to
    PG_COUNT_WALK_MATCHES matches): the same pupils, in scope."""
    from edudx.core.search import names as search

    monkeypatch.setattr(search, "PG_BROAD_MATCHES", -1)
    monkeypatch.setattr(search, "PG_COUNT_WALK_MATCHES", -1 if broad else 10**12)
    scope = city.scope_of(Role.WARD_OFFICER)
    for q in ("nguyen van", "chau", "tran thi binh"):
        page, _order = selectors.student_list(scope=scope, filters=StudentFilter(q=q))
        counted, _order = selectors.student_list(scope=scope, filters=StudentFilter(q=q), counting=True)
        assert set(counted.values_list("pk", flat=True)) == set(page.values_list("pk", flat=True))


@pytest.mark.parametrize("broad", [False, True], ids=["collect-then-sort", "walk-the-order"])
def test_the_page_keeps_scope_and_masking_on_both_plans(city, client_for, monkeypatch, broad):
    """The search page of a ward officer (no registry.view_pii) over a name found in both wards:
    only the ward's pupils, their IDs masked, whichever plan the match count picks."""
    from django.urls import reverse

    from edudx.core.search import names as search

    monkeypatch.setattr(search, "BROAD_MATCHES", -1 if broad else 10**12)
    monkeypatch.setattr(search, "PG_BROAD_MATCHES", -1 if broad else 10**12)
    html = (
        client_for(Role.WARD_OFFICER)
        .get(reverse("registry:student_list"), {"q": "nguyen van"})
        .content.decode()
    )
    ward = {s.pk for s in city.students if s.school.unit.parent_id == city.wards[0].pk}
    for s in city.students:
        if s.full_name.startswith("Nguyễn Văn An"):
            assert (s.full_name in html) == (s.pk in ward)
            assert s.personal_id not in html
            if s.pk in ward:
                assert personal_id.mask(s.personal_id) in html


def test_a_search_counts_its_matches_up_to_the_cap_then_says_more_than(city, client_for, monkeypatch):
    from django.urls import reverse

    from edudx.registry.views import common

    c = client_for(Role.DEPT_OFFICER)
    url = reverse("registry:student_list")
    assert ">4</strong>" in c.get(url, {"q": "nguyen van"}).content.decode()  # exact under the cap
    monkeypatch.setattr(common, "SEARCH_COUNT_CAP", 2)
    html = c.get(url, {"q": "nguyen van"}).content.decode()
    assert ">2</strong>" in html and "hơn" in html  # "hơn 2 học sinh"
    assert ">12</strong>" in c.get(url).content.decode()  # a list without a search: exact, as before


def test_the_departments_search_is_counted_in_the_name_index_alone(city):
    """Who sees every pupil and filters by the name only (the department) gets the list's own
    count from the name index (SQLite); anyone else, or any other filter, the list's count."""
    dept, f = city.scope_of(Role.DEPT_OFFICER), StudentFilter(q="nguyen van")
    page, _order = selectors.student_list(scope=dept, filters=f)
    counted = selectors.student_match_count(scope=dept, filters=f, cap=1000)
    if connection.vendor != "sqlite":
        assert counted is None
        return
    assert counted == page.count() == 4
    assert selectors.student_match_count(scope=dept, filters=f, cap=2) == 3  # stops past the cap
    ward = city.scope_of(Role.WARD_OFFICER)
    assert selectors.student_match_count(scope=ward, filters=f, cap=1000) is None
    for other in (StudentFilter(q="nguyen van", gender="male"), StudentFilter(q="0792"), StudentFilter()):
        assert selectors.student_match_count(scope=dept, filters=other, cap=1000) is None
