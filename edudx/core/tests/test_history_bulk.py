import polars as pl
import pytest
from django.contrib.auth import get_user_model

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.models import HistoryEntry

pytestmark = pytest.mark.django_db

FIELDS = (
    "object_id",
    "object_repr",
    "action",
    "operation",
    "actor_label",
    "via",
    "source",
    "changes",
    "note",
)


def _rows():
    return [tuple(getattr(e, f) for f in FIELDS) for e in HistoryEntry.objects.order_by("object_id")]


def test_record_bulk_writes_the_rows_record_writes():
    User = get_user_model()
    users = [User.objects.create(username=f"u{i}") for i in range(3)]
    actor = Actor.system(source="import:7" + "x" * 200)
    for u in users:
        history.record(actor=actor, obj=u, action="create", changes={"name": [None, "Lê Thị Ánh"]},
                       operation="op")  # fmt: skip
    expected = _rows()
    HistoryEntry.objects.all().delete()

    history.record_bulk(
        actor=actor, model=User, operation="op",
        entries=[(u.pk, str(u), "create", {"name": [None, "Lê Thị Ánh"]}) for u in users],
    )  # fmt: skip
    assert _rows() == expected
    HistoryEntry.objects.all().delete()

    frame = pl.DataFrame({"id": [u.pk for u in users], "repr": [str(u) for u in users],
                          "changes": ['{"name": [null, "Lê Thị Ánh"]}'] * 3})  # fmt: skip
    history.record_bulk(actor=actor, model=User, operation="op", entries=frame)
    assert _rows() == expected
    assert {e.content_type.model_class() for e in HistoryEntry.objects.all()} == {User}
    assert [e.object_repr for e in history.entries_for(users[0])] == [str(users[0])]


def test_record_many_writes_mixed_records_in_order_through_record_bulk():
    from edudx.core.models import Setting

    User = get_user_model()
    users = [User.objects.create(username=f"m{i}") for i in range(2)]
    setting = Setting.objects.create(key="k", value=1)
    actor = Actor.system()
    history.record_many(
        [
            {"obj": users[0], "action": "create", "changes": {"a": [None, 1]}, "operation": "imp"},
            {"obj": users[1], "action": "update", "changes": {"a": [1, 2]}, "operation": "imp"},
            {"obj": setting, "action": "other", "operation": "imp", "note": "ghi chú"},
            {"obj": users[0], "action": "status", "operation": "other"},
        ],
        actor=actor,
    )
    got = [
        (e.content_type.model_class(), e.object_id, e.action, e.operation, e.changes, e.note)
        for e in HistoryEntry.objects.order_by("id")
    ]
    assert got == [
        (User, str(users[0].pk), "create", "imp", {"a": [None, 1]}, ""),
        (User, str(users[1].pk), "update", "imp", {"a": [1, 2]}, ""),
        (Setting, str(setting.pk), "other", "imp", {}, "ghi chú"),
        (User, str(users[0].pk), "status", "other", {}, ""),
    ]
    assert [e.action for e in history.entries_for(users[0])] == ["status", "create"]
