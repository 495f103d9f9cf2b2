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
