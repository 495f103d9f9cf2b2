# ruff: noqa: S608 - SQL built from constants and checked identifiers; values are bound parameters
"""Reads of the LRS through the caller's Scope: credentials and the learning analytics."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Q, QuerySet

from edudx.core import warehouse
from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from . import permissions as perms
from . import warehouse as lrs_warehouse
from .models import Activity, Credential

if TYPE_CHECKING:
    import duckdb


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


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


LEARNERS = f"{lrs_warehouse.NAME}__{lrs_warehouse.LEARNERS.name}"
ACTIVITIES = f"{lrs_warehouse.NAME}__{lrs_warehouse.ACTIVITIES.name}"


def _where(scope: Scope | None, since: dt.datetime | None) -> tuple[str, list[Any]]:
    """The caller's unit subtrees, and the days from `since` on (the day a statement's
    timestamp falls on, UTC)."""
    paths = None if scope is None else scope.paths_for(perms.VIEW_ANALYTICS)
    where, path_params = warehouse.path_condition("unit_path", paths)
    params: list[Any] = list(path_params)
    if since is not None:
        where += " AND day >= ?"
        params.append(since.astimezone(dt.UTC).date())
    return where, params


def statement_summary(
    *, scope: Scope, since: dt.datetime | None = None, weeks: int = 26, courses: int = 20
) -> dict[str, Any]:
    """Active learners, activities, completions and mean scaled score — in total, by unit, by
    course and by week — over the statements in units the caller may see, voided ones left
    out, computed by DuckDB over the warehouse's daily rollups of the store. A pure read: the
    warehouse is kept current by `services.analytics_refresh` (the dashboard and the API call it
    first), and `freshness` says how far it reaches. The figures only change when the warehouse
    grows, so they are cached under its high-water mark."""
    fresh = warehouse.freshness(lrs_warehouse.NAME)
    paths = scope.paths_for(perms.VIEW_ANALYTICS)
    key = (
        "lrs:summary:"
        + hashlib.sha1(  # noqa: S324 (a cache key)
            repr((paths, since, weeks, courses, fresh.high_water, str(warehouse.root()))).encode()
        ).hexdigest()
    )
    out = cache.get(key)
    if out is None:
        out = _summary(scope, since, weeks, courses)
        cache.set(key, out, SUMMARY_CACHE_SECONDS)
    return {**out, "freshness": fresh}


SUMMARY_CACHE_SECONDS = 600
_MEASURES = (
    "sum(st) AS statements, count(DISTINCT actor_hash) AS learners, sum(co) AS completions, "
    "sum(ss) / nullif(sum(sn), 0) AS mean_score"
)


def _summary(scope: Scope, since: dt.datetime | None, weeks: int, courses: int) -> dict[str, Any]:
    where, params = _where(scope, since)
    con = warehouse.connect(lrs_warehouse.NAME)
    try:
        # Re-group the learner-day rows (parts overlap) by week: a learner counts where what
        # they did was not all voided (HAVING sum > 0). One pass per breakdown beats GROUPING
        # SETS with distinct counts in DuckDB.
        con.execute(
            f"""CREATE TEMP TABLE r AS
            SELECT date_trunc('week', day)::DATE AS week, unit_path, course_iri, actor_hash,
                   sum(statements) AS st, sum(completions) AS co, sum(score_sum) AS ss, sum(score_n) AS sn
            FROM {LEARNERS} WHERE {where} GROUP BY ALL HAVING sum(statements) > 0""",
            params,
        )
        totals = _rows(con, f"SELECT {_MEASURES} FROM r", [])[0]
        by_unit = _rows(
            con, f"SELECT unit_path, {_MEASURES} FROM r GROUP BY unit_path ORDER BY unit_path", []
        )
        by_week = _rows(
            con, f"SELECT week, {_MEASURES} FROM r GROUP BY week ORDER BY week DESC LIMIT ?", [weeks]
        )
        by_course = _rows(
            con,
            f"SELECT course_iri, {_MEASURES} FROM r WHERE course_iri IS NOT NULL GROUP BY course_iri "
            "ORDER BY learners DESC, course_iri",
            [],
        )
        ((activities,),) = con.execute(
            f"SELECT count(*) FROM (SELECT object_iri FROM {ACTIVITIES} WHERE {where} "
            "GROUP BY object_iri HAVING sum(statements) > 0)",
            params,
        ).fetchall()
    finally:
        con.close()
    for row in [totals, *by_unit, *by_week, *by_course]:
        for k in ("statements", "learners", "completions"):
            row[k] = int(row[k] or 0)
    totals.update(activities=int(activities), courses=len(by_course))
    by_course = by_course[:courses]
    names = activity_names([r["course_iri"] for r in by_course])
    for row in by_course:
        row["name"] = names.get(row["course_iri"]) or row["course_iri"]
    return {"totals": totals, "by_unit": by_unit, "by_week": by_week[::-1], "by_course": by_course}


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
    distinct length of school path over the learner-day rollup (a prefix join, grouped), as far
    as the warehouse reaches (the indicator brings it current first)."""
    where, params = _where(None, since)
    out = dict.fromkeys(school_paths, 0)
    by_path = {path: pk for pk, path in school_paths.items()}
    con = warehouse.connect(lrs_warehouse.NAME)
    try:
        con.execute(
            f"CREATE TEMP TABLE a AS SELECT unit_path, actor_hash FROM {LEARNERS} WHERE {where} "
            "GROUP BY ALL HAVING sum(statements) > 0",
            params,
        )
        for length in sorted({len(p) for p in school_paths.values()}):
            rows = con.execute(
                "SELECT substr(unit_path, 1, ?) AS p, count(DISTINCT actor_hash) FROM a "
                "WHERE length(unit_path) >= ? GROUP BY p",
                [length, length],
            ).fetchall()
            for path, n in rows:
                if path in by_path:
                    out[by_path[path]] = int(n)
    finally:
        con.close()
    return out


def launch_verbs(*, unit_path: str, registration: str, activity_id: str, most: int = 500) -> set[str]:
    """The verb ids of the statements stored for one cmi5 registration about one AU (its LMS
    decides satisfaction from them: moveOn). The platform's own read: no Scope, the caller
    already holds the registration."""
    import json

    from .xapi.query import StatementQuery, run

    rows, _more = run(
        StatementQuery(unit_path=unit_path, registration=registration, activity=activity_id, limit=most),
        max_limit=most,
    )
    verbs: set[str] = set()
    for _pk, _stored, data, _att in rows:
        verb = json.loads(data).get("verb", {})
        if isinstance(verb, dict) and isinstance(verb.get("id"), str):
            verbs.add(verb["id"])
    return verbs
