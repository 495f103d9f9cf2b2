"""Plain rows of schools for other modules' reports and dashboards (registry.school_summaries)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum

from ..models import School

# Up to this many schools, rows are read by their ids (a ward's, a school's); past it, a list
# or report over the department's schools reads from a process's copy or walks in order.
FEW_SCHOOLS = 300


def school_summaries(school_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Plain rows (id, MOET code, name, level, ownership, area name/id) for reports of other modules.

    Past `FEW_SCHOOLS` ids (a department's dashboard: 3,500 schools, ~22 ms of rows per view)
    they come from this process's copy of every school's row, read again when the schools'
    fingerprint changes (`_schools_fingerprint`) and at least every `SUMMARY_MAX_AGE` seconds."""
    if isinstance(school_ids, QuerySet):  # a subquery of the one query, as callers expect
        return _summaries(School.objects.filter(pk__in=school_ids))
    ids = school_ids if isinstance(school_ids, (list, set, tuple)) else list(school_ids)
    if len(ids) > FEW_SCHOOLS:
        every = _every_school_summary()
        wanted = set(ids)
        return [dict(r) for r in every if r["id"] in wanted]
    return _summaries(School.objects.filter(pk__in=ids))


SUMMARY_MAX_AGE = 60
_SUMMARY_MEMO: dict[str, Any] = {}


def _schools_fingerprint() -> tuple[Any, ...]:
    """Changes when a school is added or removed, or a school's or its unit's or its ward's row
    is saved, or a school's unit moves to another ward (one grouped query over the schools,
    ~3 ms for a city). A move of a whole ward (paths rewritten in bulk) is seen within
    `SUMMARY_MAX_AGE`."""
    f = School.objects.aggregate(
        n=Count("id"),
        t=Max("updated_at"),
        ut=Max("unit__updated_at"),
        up=Sum("unit__parent_id"),
        pt=Max("unit__parent__updated_at"),
    )
    return tuple(sorted(f.items()))


def _every_school_summary() -> list[dict[str, Any]]:
    fingerprint, now = _schools_fingerprint(), time.monotonic()
    hit = _SUMMARY_MEMO.get("every")
    if hit is not None and hit[0] == fingerprint and now - hit[1] < SUMMARY_MAX_AGE:
        return list(hit[2])
    rows = _summaries(School.objects.all())
    _SUMMARY_MEMO["every"] = (fingerprint, now, rows)
    return rows


def _summaries(qs: QuerySet[School]) -> list[dict[str, Any]]:
    rows = qs.values(
        "id",
        "moet_code",
        "unit__name",
        "level",
        "ownership",
        "unit__parent__name",
        "unit__parent_id",
        "unit__path",
    )
    return [
        {
            "id": r["id"],
            "moet_code": r["moet_code"],
            "name": r["unit__name"],
            "level": r["level"],
            "ownership": r["ownership"],
            "area": r["unit__parent__name"],
            "area_id": r["unit__parent_id"],
            "path": r["unit__path"],
        }
        for r in rows
    ]
