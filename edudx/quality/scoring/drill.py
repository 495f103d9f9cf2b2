"""The records behind a scorecard figure: which pupils, staff or classes of one school a rule
counted as failed, read through the registry's selectors with the reader's own Scope (a record
the reader may not see is not listed) and personal IDs masked as on every other page."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import Count, Q

from edudx.core.rules.personal_id import mask
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from ..models import CandidatePair, Kind, PairState
from . import facts
from .catalogue import RuleDef
from .scores import _level_param

LIMIT = 500
VIEW_PII = "registry.view_pii"  # registry's permission: who sees a personal ID in full


def _people(frame: pl.DataFrame, problems: dict[int, list[str]], full: bool) -> list[dict[str, Any]]:
    rows = frame.filter(pl.col("id").is_in(list(problems))).sort("full_name", "id").head(LIMIT)
    return [
        {
            "id": r["id"], "name": r["full_name"], "code": r["moet_code"] or "", "date_of_birth": r["date_of_birth"],
            "personal_id": (r["personal_id"] if full else mask(r["personal_id"])) if r["personal_id"] else "",
            "class": r.get("class_name") or "", "problems": sorted(set(problems[r["id"]])),
        }
        for r in rows.iter_rows(named=True)
    ]  # fmt: skip


def records(
    *, scope: Scope, school: dict[str, Any], f: dict[str, Any], rule: RuleDef
) -> tuple[str, list[dict[str, Any]]]:
    """(what the rows are: "students", "staff" or "classes"; the rows, at most LIMIT)."""
    sid, code = int(school["id"]), rule.code
    if rule.drill == "classes":
        return "classes", _classes(scope, sid, f, rule)
    if rule.drill not in ("students", "staff"):
        return "", []
    full = scope.can(VIEW_PII, school["path"])
    year = registry.current_year()
    if rule.drill == "students":
        frame = facts.student_frame([sid], year.pk if year else None, scope=scope)
    else:
        frame = facts.staff_frame([sid], scope=scope)
    problems: dict[int, list[str]] = {}
    if code.startswith("completeness."):
        for field in rule.params.get("fields", []):
            if field in frame.columns:
                blank = frame.filter(
                    pl.col(field).is_null() | (pl.col(field).cast(pl.String).str.strip_chars() == "")
                )
                for pk in blank["id"].to_list():
                    problems.setdefault(pk, []).append(field)
    elif code.startswith("validity.") or code == "consistency.age_grade":
        person, grade = facts.check_people(
            frame, year_code=year.code if year else "", levels={sid: f["level"]}
        )
        counter = person if code.startswith("validity.") else grade
        keep = set(counter.rows.get("error", set()))
        if code == "consistency.age_grade" and rule.params.get("count_warnings"):
            keep |= counter.rows.get("warning", set())
        problems = {pk: counter.codes[pk] for pk in keep}
    elif code == "consistency.class_level":
        bad = facts.misplaced(frame.filter(pl.col("__grade").is_not_null()), {sid: f["level"]})
        problems = {pk: ["class_level"] for pk in bad["id"].to_list()}
    elif code.startswith("uniqueness."):
        kind = Kind.STAFF if rule.drill == "staff" else Kind.STUDENTS
        pending = CandidatePair.objects.filter(
            kind=kind, state__in=[PairState.OPEN, PairState.UNSURE],
            probability__gte=float(rule.params.get("min_probability", 0.0)),
        )  # fmt: skip
        for side in ("a", "b"):
            for rec in pending.filter(**{f"school_{side}_id": sid}).values_list(f"record_{side}", flat=True):
                problems.setdefault(rec, []).append("pending_duplicate")
    return rule.drill, _people(frame, problems, full)


def _classes(scope: Scope, sid: int, f: dict[str, Any], rule: RuleDef) -> list[dict[str, Any]]:
    year = registry.current_year()
    if year is None:
        return []
    lo = _level_param(rule.params.get("min"), f["level"], 0)
    hi = _level_param(rule.params.get("max"), f["level"], 10_000)
    qs, _order = registry.class_list(scope=scope)
    rows = (
        qs.filter(school_id=sid, year_id=year.pk)
        .order_by("grade", "name")
        .annotate(n=Count("enrolments", filter=Q(enrolments__state="active")))
        .values_list("id", "name", "grade", "n")
    )
    return [
        {"id": pk, "name": name, "grade": grade, "pupils": n, "problems": ["class_size"]}
        for pk, name, grade, n in rows
        if n < lo or n > hi
    ][:LIMIT]
