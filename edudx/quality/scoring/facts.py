"""The facts a scorecard is computed from, per school: what is blank, what the importer's rules
refuse in what is stored, pending duplicates, class sizes, teachers, the last update, the
deadlines reported for, the verified share. Kept current by core.aggregates (quality/aggregates.py):
a changed pupil, class, staff member, verification or pair recounts its school within a minute.

Reads go through the registry's selectors with the system scope (a scorecard is shown to a
reader only for the schools of their scope: selectors.py). Person rows are read per chunk of
schools into Polars frames and checked by the importer's own rules (`ingest.kinds`:
`person_rules`, `age_vs_grade`) — the same code, not a copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import polars as pl
from django.db.models import Count, FilteredRelation, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from edudx.core import aggregates
from edudx.core.rules.levels import GRADES
from edudx.core.rules.people import Position, StaffStatus
from edudx.core.scope import Scope
from edudx.ingest import kinds as ingest
from edudx.registry import selectors as registry

from ..models import CandidatePair, Kind, PairState, ReportingDeadline
from . import catalogue, scores

SCHOOLS_PER_CHUNK = 200
IDENTITY = "identity.status"  # identity/aggregates.py: verification statuses per school
ERR = "__err"


class Counter:
    """The `problems` half of an ingest Sink that only remembers which rows got which code."""

    def __init__(self) -> None:
        self.rows: dict[str, set[int]] = {}  # severity -> rows
        self.codes: dict[int, list[str]] = {}

    def add(self, row: int, column: str, code: str, severity: str, message: Any) -> None:
        self.rows.setdefault(severity, set()).add(row)
        self.codes.setdefault(row, []).append(code)

    def add_rows(self, rows: list[int], column: str, code: str, severity: str, message: Any) -> None:
        for r in rows:
            self.add(r, column, code, severity, message)


def _sink() -> tuple[ingest.Sink, Counter]:
    counter = Counter()
    return ingest.Sink(counter, {}), counter  # type: ignore[arg-type]


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), SCHOOLS_PER_CHUNK):
        yield ids[i : i + SCHOOLS_PER_CHUNK]


_STUDENT_COLS = (*catalogue.STUDENT_FIELDS, "id", "school_id")
_STAFF_COLS = (*catalogue.STAFF_FIELDS, "id", "school_id", "position", "status")


def student_frame(school_ids: list[int], year_id: int | None, scope: Scope | None = None) -> pl.DataFrame:
    """Pupils of these schools with their active enrolment of the year (grade, class, its school)."""
    qs, _order = registry.student_list(scope=scope or Scope.system())
    qs = qs.filter(school_id__in=school_ids).order_by()
    qs = qs.annotate(
        cur=FilteredRelation(
            "enrolments", condition=Q(enrolments__state="active", enrolments__year_id=year_id)
        )
    )
    cols = (*_STUDENT_COLS, "cur__school_class__grade", "cur__school_class__name", "cur__school_id")
    rows = list(qs.values_list(*cols))
    schema = dict.fromkeys(catalogue.STUDENT_FIELDS, pl.String) | {"date_of_birth": pl.Date, "id": pl.Int64,
              "school_id": pl.Int64, "__grade": pl.Int32, "class_name": pl.String, "__class_school": pl.Int64}  # fmt: skip
    names = [*_STUDENT_COLS, "__grade", "class_name", "__class_school"]
    frame = pl.DataFrame(rows, schema={n: schema[n] for n in names}, orient="row")
    return frame.unique("id", keep="first", maintain_order=True)


def staff_frame(school_ids: list[int], scope: Scope | None = None) -> pl.DataFrame:
    qs, _order = registry.staff_list(scope=scope or Scope.system())
    rows = list(qs.filter(school_id__in=school_ids).order_by().values_list(*_STAFF_COLS))
    schema = dict.fromkeys(_STAFF_COLS, pl.String) | {
        "date_of_birth": pl.Date,
        "id": pl.Int64,
        "school_id": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _blank(frame: pl.DataFrame, fields: tuple[str, ...]) -> pl.DataFrame:
    """Per school: people and blank cells per field."""
    return frame.group_by("school_id").agg(
        pl.len().alias("n"),
        *[
            (pl.col(f).is_null() | (pl.col(f).cast(pl.String).str.strip_chars() == "")).sum().alias(f)
            for f in fields
        ],
    )


def check_people(frame: pl.DataFrame, *, year_code: str, levels: dict[int, str]) -> tuple[Counter, Counter]:
    """Run the importer's person rules (validity) and, for pupils, age against grade (consistency)."""
    base = frame.with_columns(pl.col("id").alias(ingest.ROW), pl.lit(False).alias(ERR))
    person_sink, person = _sink()
    ingest.person_rules(
        base.select(ingest.ROW, ERR, "full_name", "date_of_birth", "personal_id", "gender"), person_sink, None
    )
    grade_sink, grade = _sink()
    if "__grade" in frame.columns:
        graded = base.filter(pl.col("__grade").is_not_null()).with_columns(
            pl.lit(year_code).alias("school_year"),
            pl.col("school_id").replace_strict(levels, default=None, return_dtype=pl.String).alias("__level"),
        )
        if graded.height:
            ingest.age_vs_grade(graded, grade_sink)
    return person, grade


def misplaced(enrolled: pl.DataFrame, levels: dict[int, str]) -> pl.DataFrame:
    """Enrolled pupils in a class of a grade their school's level does not teach, or in a class
    of another school than the pupil's own."""
    lo_hi = {sid: GRADES.get(level, (0, 12)) for sid, level in levels.items()}
    lo = pl.col("school_id").replace_strict({k: v[0] for k, v in lo_hi.items()}, default=0)
    hi = pl.col("school_id").replace_strict({k: v[1] for k, v in lo_hi.items()}, default=12)
    return enrolled.filter(
        (pl.col("__class_school") != pl.col("school_id"))
        | (pl.col("__grade") < lo)
        | (pl.col("__grade") > hi)
    )


def _per_school(frame: pl.DataFrame, rows: set[int]) -> dict[int, int]:
    if not rows:
        return {}
    hit = frame.filter(pl.col("id").is_in(list(rows))).group_by("school_id").agg(pl.len())
    return dict(hit.iter_rows())


def _code_counts(frame: pl.DataFrame, counter: Counter) -> dict[int, dict[str, int]]:
    if not counter.codes:
        return {}
    school = dict(frame.filter(pl.col("id").is_in(list(counter.codes))).select("id", "school_id").iter_rows())
    out: dict[int, dict[str, int]] = {}
    for row, codes in counter.codes.items():
        per = out.setdefault(school[row], {})
        for c in set(codes):
            per[c] = per.get(c, 0) + 1
    return out


def _people_facts(out: dict[int, dict[str, Any]], ids: list[int], year: Any) -> None:
    levels = {sid: f["level"] for sid, f in out.items()}
    year_code = year.code if year else ""
    pupils = student_frame(ids, year.pk if year else None)
    staff = staff_frame(ids)
    for kind, frame, fields in (
        ("students", pupils, catalogue.STUDENT_FIELDS),
        ("staff", staff, catalogue.STAFF_FIELDS),
    ):
        for sid, n, *blanks in _blank(frame, fields).iter_rows():
            out[sid]["blank"][kind] = {"n": n, **{f: b for f, b in zip(fields, blanks, strict=True) if b}}
        person, grade = check_people(frame, year_code=year_code, levels=levels)
        for sid, n in _per_school(frame, person.rows.get("error", set())).items():
            out[sid]["invalid"][kind] = n
        for sid, codes in _code_counts(frame, person).items():
            out[sid]["codes"][kind] = codes
        if kind == "students":
            for sev in ("error", "warning"):
                for sid, n in _per_school(frame, grade.rows.get(sev, set())).items():
                    out[sid]["age_grade"][sev] = n
    enrolled = pupils.filter(pl.col("__grade").is_not_null())
    for sid, n in enrolled.group_by("school_id").agg(pl.len()).iter_rows():
        out[sid]["enrolled"] = n
    bad = misplaced(enrolled, levels)
    for sid, n in bad.group_by("school_id").agg(pl.len()).iter_rows():
        out[sid]["class_level"] = n
    if year is not None and enrolled.height:
        start = int(year_code[:4]) if year_code[:4].isdigit() else timezone.localdate().year
        ages = (
            enrolled.filter(pl.col("date_of_birth").is_not_null())
            .group_by("school_id", "__grade")
            .agg((start - pl.col("date_of_birth").dt.year()).mean().alias("age"), pl.len().alias("n"))
        )
        for sid, g, age, n in ages.iter_rows():
            out[sid]["metrics"]["age_per_grade"][str(g)] = [round(float(age), 3), n]
    teachers = staff.filter(
        (pl.col("position") == Position.TEACHER) & (pl.col("status") == StaffStatus.WORKING)
    )
    for sid, n in teachers.group_by("school_id").agg(pl.len()).iter_rows():
        out[sid]["teachers"] = n


def _classes(out: dict[int, dict[str, Any]], ids: list[int], year: Any) -> None:
    if year is None:
        return
    qs, _order = registry.class_list(scope=Scope.system())
    rows = (
        qs.filter(school_id__in=ids, year_id=year.pk)
        .order_by()
        .annotate(n=Count("enrolments", filter=Q(enrolments__state="active")))
        .values_list("school_id", "n")
    )
    for sid, n in rows:
        out[sid]["class_sizes"].append(n)


def _pending(out: dict[int, dict[str, Any]], ids: list[int], rules: dict[str, catalogue.RuleDef]) -> None:
    for kind, code in ((Kind.STUDENTS, "uniqueness.students"), (Kind.STAFF, "uniqueness.staff")):
        floor = float(rules[code].params.get("min_probability", 0.0))
        pending = CandidatePair.objects.filter(kind=kind, state__in=[PairState.OPEN, PairState.UNSURE],
                                               probability__gte=floor)  # fmt: skip
        seen: dict[int, set[int]] = {}
        for side in ("a", "b"):
            for sid, rec in pending.filter(**{f"school_{side}_id__in": ids}).values_list(
                f"school_{side}_id", f"record_{side}"
            ):
                seen.setdefault(sid, set()).add(rec)
        for sid, recs in seen.items():
            out[sid]["pending"][kind] = len(recs)


def _updates(out: dict[int, dict[str, Any]], ids: list[int], year: Any) -> None:
    """The last change of each school's pupils, staff and classes, and the deadlines of this
    school year it updated its data for (a change in the deadline's window). A record's
    `updated_at` is its latest change, so a record edited again later no longer shows the earlier
    edit; a school updating other records is still seen."""
    system = Scope.system()
    sources: list[QuerySet[Any]] = [
        registry.student_list(scope=system)[0],
        registry.staff_list(scope=system)[0],
        registry.class_list(scope=system)[0],
    ]
    deadlines = list(ReportingDeadline.objects.all())
    today = timezone.localdate()
    if year is not None:
        deadlines = [d for d in deadlines if year.start_date <= d.due <= min(year.end_date, today)]
    else:
        deadlines = []
    earliest = min((d.due - dt.timedelta(days=d.window_days) for d in deadlines), default=None)
    days: dict[int, set[dt.date]] = {}
    for qs in sources:
        qs = qs.filter(school_id__in=ids).order_by()
        for sid, last in qs.values_list("school_id").annotate(m=Max("updated_at")):
            if last is not None:
                day = timezone.localdate(last)
                prev = out[sid]["last_update"]
                if prev is None or day.isoformat() > prev:
                    out[sid]["last_update"] = day.isoformat()
        if earliest is not None:
            rows = (
                qs.filter(updated_at__date__gte=earliest)
                .annotate(d=TruncDate("updated_at"))
                .values_list("school_id", "d")
                .distinct()
            )
            for sid, d in rows:
                days.setdefault(sid, set()).add(d)
    for sid in ids:
        got = days.get(sid, set())
        hit = sum(
            1 for d in deadlines if any(d.due - dt.timedelta(days=d.window_days) <= x <= d.due for x in got)
        )
        out[sid]["reporting"] = [len(deadlines), hit]


def _verification(out: dict[int, dict[str, Any]], ids: list[int]) -> None:
    try:
        stored = aggregates.read(IDENTITY, ids if len(ids) <= aggregates.CHUNK else None).data
    except LookupError:  # identity not installed
        return
    for sid in ids:
        row = stored.get(sid) or {}
        for kind, key in (("students", "student"), ("staff", "staff")):
            k = row.get(key) or {}
            out[sid]["verified"][kind] = [int(k.get("total", 0)), int(k.get("verified", 0))]


def _empty(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "level": summary["level"], "area": summary["area_id"], "path": summary["path"],
        "blank": {}, "invalid": {}, "codes": {}, "age_grade": {}, "enrolled": 0, "class_level": 0,
        "class_sizes": [], "teachers": 0, "pending": {}, "last_update": None, "reporting": [0, 0],
        "verified": {}, "metrics": {"age_per_grade": {}},
    }  # fmt: skip


def compute(
    keys: list[int] | None, rules: dict[str, catalogue.RuleDef] | None = None
) -> dict[int, dict[str, Any]]:
    """{school id: facts} for these schools (every school when None), a chunk of schools at a time.
    Each school's score under the current rules is kept beside its facts (`score`, see
    scores.stored): the sweep scores the schools it recounts, so no page scores 3,500."""
    if rules is None:
        from ..selectors import rules_effective

        rules = {r.code: r for r in rules_effective()}
    ids = list(keys) if keys is not None else list(registry.school_ids_in_scope(scope=Scope.system()))
    year = registry.current_year()
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(ids)):
        part = {s["id"]: _empty(s) for s in registry.school_summaries(chunk)}
        found = list(part)
        if not found:
            continue
        _people_facts(part, found, year)
        _classes(part, found, year)
        _pending(part, found, rules)
        _updates(part, found, year)
        _verification(part, found)
        out.update(part)
    listed, today = list(rules.values()), timezone.localdate()
    for f in out.values():
        f["score"] = scores.stored(f, listed, today)
    return out
