import pytest

from edudx.core.errors import ValidationFailed
from edudx.core.pagination import paginate
from edudx.orgs.models import OrgUnit


@pytest.fixture
def units(db):
    # Names repeat so the id tie-breaker matters.
    return [
        OrgUnit.objects.create(code=f"U{i:03d}", name=f"Unit {i % 7}", kind="other", path=f"{i:07d}")
        for i in range(1, 51)
    ]


def walk(qs, order, limit, ids_first=False):
    seen, cursor = [], None
    while True:
        page = paginate(qs, order=order, cursor=cursor, limit=limit, ids_first=ids_first)
        seen.extend(u.pk for u in page.items)
        if not page.next_cursor:
            return seen, page
        cursor = page.next_cursor


@pytest.mark.parametrize("order", [("name", "id"), ("-name", "-id"), ("id",)])
def test_walking_all_pages_visits_every_row_once_in_order(units, order):
    qs = OrgUnit.objects.all()
    seen, _ = walk(qs, order, 7)
    assert seen == list(qs.order_by(*order).values_list("pk", flat=True))


def test_prev_cursor_returns_the_previous_page(units):
    qs = OrgUnit.objects.all()
    first = paginate(qs, order=("name", "id"), cursor=None, limit=10)
    second = paginate(qs, order=("name", "id"), cursor=first.next_cursor, limit=10)
    back = paginate(qs, order=("name", "id"), cursor=second.prev_cursor, limit=10)
    assert [u.pk for u in back.items] == [u.pk for u in first.items]
    assert first.prev_cursor is None and back.prev_cursor is None


def test_a_forged_cursor_is_a_clear_error(units):
    with pytest.raises(ValidationFailed) as exc:
        paginate(OrgUnit.objects.all(), order=("name", "id"), cursor="not-a-cursor", limit=5)
    assert exc.value.code == "invalid_cursor"


@pytest.mark.parametrize("order", [("name", "id"), ("-name", "-id")])
def test_ids_first_gives_the_same_pages_with_the_rows_annotations(units, order):
    """The page's ids found first, then its rows by id: the same rows in the same order, the
    filter kept, the queryset's annotations and joins on each row; and backwards too."""
    from django.db.models import F

    qs = OrgUnit.objects.filter(name__in=["Unit 1", "Unit 3", "Unit 5"]).annotate(shout=F("code"))
    seen, last = walk(qs, order, 4, ids_first=True)
    assert seen == list(qs.order_by(*order).values_list("pk", flat=True))
    assert all(u.shout == u.code for u in last.items)
    back = paginate(qs, order=order, cursor=last.prev_cursor, limit=4, ids_first=True)
    plain = paginate(qs, order=order, cursor=last.prev_cursor, limit=4)
    assert [u.pk for u in back.items] == [u.pk for u in plain.items]
