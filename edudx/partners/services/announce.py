# ruff: noqa: S608 - the SQL wraps a queryset's own compiled SQL; values are parameters
"""A school leaving or entering one app's view, written as change rows for that app only.

When an approval is revoked, an app suspended or retired, every record the app could see at
the school (org, classes, pupils, staff, enrolments, teaching assignments) gets one
`partners.Change` row with `app_id` set, written *before* the move; the feed and the OneRoster
delta read them as any change and, the record being out of the app's view, answer
`tobedeleted`. When an approval is given (again), an app approved again, or its profile
narrowed, the rows are written *after* the move and read as the record now is (a creation, or
the record cut to the narrower profile). One INSERT … SELECT per kind of record, from the same
sources the doors read (so a consent school's unanswered pupils are never named): a school of
2,300 pupils writes ~5,000 rows; the reading side reads rows, never the registry at large.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from ..auth import caller_for_app
from ..models import PartnerApp, SchoolApp, UseState

# sourcedId prefix → (source, the row's id column, its school column)
KINDS = (
    ("org", "school_source", "pk", "pk"),
    ("cl", "class_source", "pk", "school_id"),
    ("s", "pupil_source", "pk", "school_id"),
    ("st", "staff_source", "pk", "school_id"),
    ("e", "pupil_enrolment_source", "enrolments__pk", "enrolments__school_id"),
    ("ta", "teacher_enrolment_source", "assignments__pk", "assignments__school_class__school_id"),
)


def _insert(qs: QuerySet[Any, Any], prefix: str, obj: str, school: str, app_id: int) -> int:
    sql, params = qs.order_by().values_list(obj, school).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO partners_change (prefix, object_id, school_id, at, app_id) "
            f"SELECT %s, x.*, %s, %s FROM ({sql}) x",
            [prefix, timezone.now(), app_id, *params],
        )
        return max(int(cur.rowcount), 0)


def announce(app: PartnerApp, school_ids: Iterable[int] | None = None) -> int:
    """Write one change row for `app` per record it can see at `school_ids` (default: every
    school that approved it); returns how many. Call inside the move's transaction."""
    from ..oneroster import sources as src

    wanted = None if school_ids is None else set(school_ids)
    caller = caller_for_app(app, wanted)
    if not caller.flows:
        return 0
    done = 0
    for prefix, source_name, obj, school in KINDS:
        source = getattr(src, source_name)(caller)
        assert source.qs is not None
        done += _insert(source.qs, prefix, obj, school, app.pk)
    return done


def approved_school_ids(app: PartnerApp) -> list[int]:
    return list(
        SchoolApp.objects.filter(app=app, state=UseState.APPROVED).values_list("school_id", flat=True)
    )
