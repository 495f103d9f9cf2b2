# ruff: noqa: S608 - SQL built from constants and checked identifiers; values are bound parameters
"""Reads of the LRS through the caller's Scope: credentials and the learning analytics."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db.models import Q, QuerySet

from edudx.core import warehouse
from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from . import warehouse as lrs_warehouse
from .models import Activity, Credential

COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed")


def credential_list(*, scope: Scope, q: str = "") -> QuerySet[Credential]:
    qs = Credential.objects.filter(scope.filter_q(perms.MANAGE_CREDENTIALS, "unit_path")).select_related(
        "unit"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(key__icontains=q))
    return qs


def credential_get(*, scope: Scope, pk: int) -> Credential:
    try:
        return credential_list(scope=scope).get(pk=pk)
    except Credential.DoesNotExist as exc:
        raise NotFound() from exc


INLINE_REFRESH_ROWS = 100_000  # a backlog larger than this is left to the background task
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def warehouse_current() -> warehouse.Freshness:
    """Bring the statements dataset up to date: inline when little is new (a dashboard view
    costs milliseconds more), else through the background task, so no page waits minutes."""
    fresh = warehouse.freshness(lrs_warehouse.NAME)
    if fresh.up_to_date:
        return fresh
    if fresh.latest - fresh.high_water <= INLINE_REFRESH_ROWS:
        warehouse.refresh(lrs_warehouse.NAME)
    else:
        from .tasks import warehouse_refresh

        warehouse_refresh.enqueue()
    return warehouse.freshness(lrs_warehouse.NAME)


def _facts(scope: Scope | None, since: dt.datetime | None) -> tuple[str, list[Any]]:
    """The statements the caller may see, not voided and not voiding, as a DuckDB subquery."""
    paths = None if scope is None else scope.paths_for(perms.VIEW_ANALYTICS)
    where, params = warehouse.path_condition("s.unit_path", paths)
    done = " OR ".join(["s.completion"] + ["s.verb_iri = ?" for _ in COMPLETED])
    sql = (
        f"SELECT s.*, ({done}) AS done FROM {lrs_warehouse.NAME} s "
        f"ANTI JOIN (SELECT voids FROM {lrs_warehouse.NAME} WHERE voids IS NOT NULL) v "
        f"ON s.statement_id = v.voids WHERE s.verb_iri <> ? AND {where}"
    )
    params = [*COMPLETED, VOIDED, *params]
    if since is not None:
        sql += " AND s.stored >= ?"
        params.append(since.astimezone(dt.UTC).replace(tzinfo=None))
    return sql, params


def _rows(con, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


_MEASURES = (
    "count(*) AS statements, count(DISTINCT actor_key) AS learners, "
    "count(*) FILTER (WHERE done) AS completions, avg(score_scaled) AS mean_score"
)


def statement_summary(
    *, scope: Scope, since: dt.datetime | None = None, weeks: int = 26, courses: int = 20
) -> dict[str, Any]:
    """Active learners, activities, completions and mean scaled score — in total, by unit, by
    course and by week — over the statements in units the caller may see, computed by DuckDB
    on the warehouse's Parquet snapshot of the store."""
    fresh = warehouse_current()
    facts, params = _facts(scope, since)
    con = warehouse.connect(lrs_warehouse.NAME)
    try:
        con.execute(f"CREATE TEMP TABLE f AS {facts}", params)
        totals = _rows(
            con,
            f"SELECT {_MEASURES}, count(DISTINCT object_iri) FILTER (WHERE object_iri <> '') AS activities, "
            "count(DISTINCT course_iri) AS courses FROM f",
            [],
        )[0]
        by_unit = _rows(
            con, f"SELECT unit_path, {_MEASURES} FROM f GROUP BY unit_path ORDER BY unit_path", []
        )
        by_week = _rows(
            con,
            f"SELECT date_trunc('week', timestamp) AS week, {_MEASURES} FROM f "
            "GROUP BY week ORDER BY week DESC LIMIT ?",
            [weeks],
        )[::-1]
        by_course = _rows(
            con,
            f"SELECT course_iri, {_MEASURES} FROM f WHERE course_iri IS NOT NULL "
            "GROUP BY course_iri ORDER BY learners DESC, course_iri LIMIT ?",
            [courses],
        )
    finally:
        con.close()
    for row in [totals, *by_unit, *by_week, *by_course]:
        for key in ("statements", "learners", "completions", "activities", "courses"):
            if key in row:
                row[key] = int(row[key] or 0)
    names = activity_names([r["course_iri"] for r in by_course])
    for row in by_course:
        row["name"] = names.get(row["course_iri"]) or row["course_iri"]
    return {
        "totals": totals,
        "by_unit": by_unit,
        "by_week": by_week,
        "by_course": by_course,
        "freshness": fresh,
    }


def activity_names(iris: list[str], language: str = "vi") -> dict[str, str]:
    """Display names of activities from their stored definitions (language, else any)."""
    hashes = {hashlib.sha1(i.encode()).hexdigest(): i for i in iris if i}  # noqa: S324 (a key)
    out: dict[str, str] = {}
    for act in Activity.objects.filter(iri_hash__in=list(hashes)):
        name = (act.definition or {}).get("name") or {}
        picked = name.get(language) or next((v for k, v in name.items() if k.startswith(language)), None)
        out[act.iri] = picked or next(iter(name.values()), "")
    return out


def learner_counts_by_school(
    school_paths: dict[int, str], *, since: dt.datetime | None = None
) -> dict[int, int]:
    """Distinct active learners per school (system use: indicators), one DuckDB pass per
    distinct length of school path (a prefix join, grouped)."""
    warehouse_current()
    facts, params = _facts(None, since)
    con = warehouse.connect(lrs_warehouse.NAME)
    out = dict.fromkeys(school_paths, 0)
    by_path = {path: pk for pk, path in school_paths.items()}
    try:
        con.execute(f"CREATE TEMP TABLE f AS {facts}", params)
        for length in sorted({len(p) for p in school_paths.values()}):
            rows = con.execute(
                "SELECT substr(unit_path, 1, ?) AS p, count(DISTINCT actor_key) FROM f "
                "WHERE length(unit_path) >= ? GROUP BY p",
                [length, length],
            ).fetchall()
            for path, n in rows:
                if path in by_path:
                    out[by_path[path]] = int(n)
    finally:
        con.close()
    return out
