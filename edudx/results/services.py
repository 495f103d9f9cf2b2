"""Writes of learning results: the import's rows (averages computed on the way in), the pupils'
semester and year results recomputed per class, follow-up notes.

Every value a user does not type is computed here from the rules row in force (`rules.py`):
subject averages as rows are written; the learning result, failed subjects, the mean of averages
and, for the year, promotion, per class after each write.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import connection, transaction
from django.utils.translation import gettext as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.db import bulk
from edudx.core.errors import ValidationFailed

from . import classfigures as F
from . import permissions as perms
from . import rules as R
from .aggregates import class_slots
from .models import YEAR, ClassTerm, FollowUp, PupilTerm, RuleSet, SubjectResult

SUBJECT_COLUMNS = ("student_id", "school_class_id", "school_id", "semester", "subject", "regular", "midterm", "final", "comment", "level")  # fmt: skip
_SUBJECT_SCHEMA = {
    "student_id": pl.Int64, "school_class_id": pl.Int64, "school_id": pl.Int64, "semester": pl.Int16,
    "subject": pl.String, "regular": pl.String, "midterm": pl.Int16, "final": pl.Int16,
    "comment": pl.String, "level": pl.String, "average": pl.Int16, "grade": pl.Int16,
}  # fmt: skip


def rules_for(year_code: str) -> dict[str, Any]:
    """The parameters of the rules row in force for a school year ("2025-2026")."""
    row = RuleSet.objects.filter(valid_from__lte=year_code).order_by("-valid_from").first()
    return dict(row.params) if row else dict(R.DEFAULT_PARAMS)


def with_averages(frame: pl.DataFrame, params: dict[str, Any]) -> pl.DataFrame:
    """ĐTBmhk of every scored row (comment-only and primary rows keep none)."""
    scored = ~pl.col("subject").is_in(params["comment_subjects"]) & (pl.col("level").fill_null("") == "")
    return frame.with_columns(
        pl.when(scored).then(R.semester_average(params)).otherwise(None).cast(pl.Int16).alias("average")
    )


def results_write(
    *, actor: Actor, new: pl.DataFrame, changed: list[tuple[int, dict[str, Any]]], params: dict[str, Any],
    pupil_facts: pl.DataFrame | None = None,
) -> None:  # fmt: skip
    """Write an import chunk: new subject rows in bulk, changed ones by id, then the pupils'
    results of every class the chunk touched. `pupil_facts`: student_id, school_class_id,
    semester, conduct, absences as the file gave them (null = keep what is stored)."""
    fresh = None
    if new.height:
        frame = with_averages(
            new.select(SUBJECT_COLUMNS).with_columns(pl.col("regular").fill_null("")), params
        )
        bulk.insert_frame(SubjectResult, frame)
        fresh = frame.with_columns(new["grade"].cast(pl.Int16)) if "grade" in new.columns else frame
    if changed:
        ch = _merged(changed)
        ch = with_averages(ch, params).with_columns(pl.Series("id", [pk for pk, _ in changed], pl.Int64))
        cols = ["regular", "midterm", "final", "comment", "level", "average"]
        bulk.update_rows(SubjectResult, cols, [tuple(r) for r in ch.select(*cols, "id").iter_rows()])
    touched = pl.concat(
        [f.select("school_class_id", "school_id", "semester") for f in (new, _frame(changed)) if f.height]
    ).unique() if (new.height or changed) else None  # fmt: skip
    if touched is None:
        return
    for (semester,), part in touched.group_by(["semester"]):
        classes = dict(zip(part["school_class_id"].to_list(), part["school_id"].to_list(), strict=True))
        facts = None
        if pupil_facts is not None and pupil_facts.height:
            facts = pupil_facts.filter(pl.col("semester") == semester)
        sem = int(str(semester))
        refresh_classes(
            actor=actor, classes=classes, semester=sem, params=params, facts=facts,
            known=None if fresh is None else fresh.filter(pl.col("semester") == sem),
            stored={int(r["school_class_id"]) for _, r in changed},
        )  # fmt: skip


def _merged(changed: list[tuple[int, dict[str, Any]]]) -> pl.DataFrame:
    """Changed rows as full rows: a cell the file left empty keeps the stored value."""
    ids = [pk for pk, _ in changed]
    stored = {
        r[0]: r[1:]
        for r in bulk.select_in(
            "SELECT id, regular, midterm, final, comment, level FROM results_subjectresult WHERE id IN ({})",
            ids,
        )
    }
    rows = []
    for pk, row in changed:
        old = stored.get(pk, ("", None, None, "", ""))
        merged = dict(row)
        for i, f in enumerate(("regular", "midterm", "final", "comment", "level")):
            if merged.get(f) in (None, ""):
                merged[f] = old[i]
        rows.append({k: merged.get(k) for k in SUBJECT_COLUMNS})
    schema = {k: _SUBJECT_SCHEMA[k] for k in SUBJECT_COLUMNS}
    return pl.DataFrame(rows, schema=schema).with_columns(pl.col("regular").fill_null(""))


def _frame(changed: list[tuple[int, dict[str, Any]]]) -> pl.DataFrame:
    if not changed:
        return pl.DataFrame()
    return pl.DataFrame([row for _, row in changed]).select("school_class_id", "school_id", "semester")


def _subject_rows(class_ids: list[int], semester: int) -> pl.DataFrame:
    rows = bulk.select_in(
        "SELECT r.id, r.student_id, r.school_class_id, r.subject, r.comment, r.level, r.average, "
        "r.year_average, c.grade, r.final FROM results_subjectresult r JOIN registry_schoolclass c "
        "ON c.id = r.school_class_id WHERE r.school_class_id IN ({}) AND r.semester = %s",
        class_ids,
        params=[semester],
    )
    schema = {
        "id": pl.Int64, "student_id": pl.Int64, "school_class_id": pl.Int64, "subject": pl.String,
        "comment": pl.String, "level": pl.String, "average": pl.Int16, "year_average": pl.Int16, "grade": pl.Int16,
        "final": pl.Int16,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _grades(class_ids: list[int]) -> pl.DataFrame:
    rows = bulk.select_in("SELECT id, grade FROM registry_schoolclass WHERE id IN ({})", class_ids)
    return pl.DataFrame(rows, schema={"school_class_id": pl.Int64, "grade": pl.Int16}, orient="row")


def _stored_terms(class_ids: list[int], period: int) -> pl.DataFrame:
    rows = bulk.select_in(
        "SELECT student_id, school_class_id, conduct, absences, qualities, competences FROM results_pupilterm "
        "WHERE school_class_id IN ({}) AND period = %s",
        class_ids,
        params=[period],
    )
    schema = {"student_id": pl.Int64, "school_class_id": pl.Int64, "conduct": pl.String, "absences": pl.Int16,
              "qualities": pl.String, "competences": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def _terms(
    params: dict[str, Any], rows: pl.DataFrame, avg: str, stored: pl.DataFrame, facts: pl.DataFrame | None
) -> pl.DataFrame:
    out = R.pupil_results(params, rows, avg)  # per class × pupil
    out = out.join(stored, on=["student_id", "school_class_id"], how="left")
    if facts is not None and facts.height:
        given = facts.group_by(["student_id", "school_class_id"]).agg(
            pl.col("conduct").drop_nulls().first().alias("_c"),
            pl.col("absences").drop_nulls().first().alias("_a"),
            *[pl.col(c).drop_nulls().first().alias(f"_{c}") for c in _RATINGS if c in facts.columns],
        )
        out = out.join(given, on=["student_id", "school_class_id"], how="left").with_columns(
            pl.coalesce("_c", "conduct").alias("conduct"), pl.coalesce("_a", "absences").cast(pl.Int16).alias("absences"),
            *[pl.coalesce(f"_{c}", c).alias(c) for c in _RATINGS if f"_{c}" in given.columns],
        ).drop("_c", "_a", *[f"_{c}" for c in _RATINGS], strict=False)  # fmt: skip
    for c in _RATINGS:
        if c not in out.columns:
            out = out.with_columns(pl.lit("").alias(c))
    return out.with_columns(pl.col("conduct").fill_null(""), *[pl.col(c).fill_null("") for c in _RATINGS])


_RATINGS = ("qualities", "competences")  # primary (Circular 27): Tốt T / Đạt D / Cần cố gắng C


def refresh_classes(
    *, actor: Actor, classes: dict[int, int], semester: int, params: dict[str, Any],
    facts: pl.DataFrame | None = None, known: pl.DataFrame | None = None, stored: set[int] | None = None,
) -> None:  # fmt: skip
    """Recompute the pupils' results of these classes ({class id: school id}) for the semester
    and, when both semesters are stored, the subjects' year averages and the year's results.

    `known`: the rows just written (a chunk's new rows, averages computed). A class with no
    results stored before this write (no ClassTerm yet) and no changed row (`stored`) is computed
    from them, without reading its rows back; the others are read from the database."""
    ids = sorted(classes)
    before = set(
        ClassTerm.objects.filter(school_class_id__in=ids, semester=semester).values_list(
            "school_class_id", flat=True
        )
    )
    from_db = sorted(before | (stored or set()) | (set(ids) if known is None else set()))
    parts = [_subject_rows(from_db, semester)] if from_db else []
    if known is not None and known.height:
        rest = known.filter(~pl.col("school_class_id").is_in(from_db))
        if "grade" not in rest.columns:
            rest = rest.join(
                _grades(rest["school_class_id"].unique().to_list()), on="school_class_id", how="left"
            )
        parts.append(
            rest.select("student_id", "school_class_id", "subject", "comment", "level", "average", "grade")
        )
    rows = pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()
    if rows.height == 0:
        return
    terms = _terms(params, rows, "average", _stored_terms(ids, semester), facts)
    _replace_terms(ids, semester, terms, classes)
    people = F.people(terms["student_id"].unique().to_list())
    earlier = F.means(ids, 1) if semester == 2 else None
    terms = terms.with_columns(pl.lit(semester, pl.Int16).alias("period"))
    slots = class_slots(rows, "average", terms, people, earlier)
    counts = rows.group_by("school_class_id").len()
    entries = [(cid, classes[cid], n, slots.get(cid, {})) for cid, n in counts.iter_rows()]
    _class_terms_upsert(semester, entries, before)
    _year(ids, classes, params, people)
    history.record_bulk(
        actor=actor,
        model=ClassTerm,
        entries=[(cid, f"{cid}/{semester}", "update", {"rows": [None, n]}) for cid, n in counts.iter_rows()],
        operation="results_import",
        action="update",
    )


def _class_terms_upsert(
    semester: int, entries: list[tuple[int, int, int, dict[str, Any]]], before: set[int]
) -> None:
    """Two statements for a chunk's classes, not an ORM update_or_create per class (~5 ms
    each). `before`: the classes whose row exists. Not an UPSERT: SQLite's ON CONFLICT in the
    outer statement turns the aggregate trigger's INSERT OR REPLACE into a constraint error."""
    now = bulk.db_now()
    with connection.cursor() as cur:
        if stored := [
            (school, n, F.json(f), now, cid, semester) for cid, school, n, f in entries if cid in before
        ]:
            cur.executemany(
                'UPDATE results_classterm SET school_id = %s, "rows" = %s, figures = %s, updated_at = %s '
                "WHERE school_class_id = %s AND semester = %s",
                stored,
            )
        if fresh := [
            (cid, school, semester, n, F.json(f), F.json({}), now)
            for cid, school, n, f in entries
            if cid not in before
        ]:
            cur.executemany(
                'INSERT INTO results_classterm (school_class_id, school_id, semester, "rows", figures, year_figures, '
                "updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                fresh,
            )


def _year(ids: list[int], classes: dict[int, int], params: dict[str, Any], people: pl.DataFrame) -> None:
    both_semesters = ClassTerm.objects.filter(school_class_id__in=ids, semester=1).filter(
        school_class_id__in=ClassTerm.objects.filter(school_class_id__in=ids, semester=2).values(
            "school_class_id"
        )
    )
    if not both_semesters.exists():  # a class with one semester stored has no year yet
        return
    first, second = _subject_rows(ids, 1), _subject_rows(ids, 2)
    if first.height == 0 or second.height == 0:
        return
    both = second.join(
        first.select("student_id", "school_class_id", "subject", pl.col("average").alias("_a1")),
        on=["student_id", "school_class_id", "subject"],
        how="left",
    ).with_columns(R.year_average(params, "_a1", "average").alias("_ya"))
    moved = both.filter(pl.col("_ya").ne_missing(pl.col("year_average")))
    bulk.update_rows(
        SubjectResult, ["year_average"], [(v, i) for v, i in moved.select("_ya", "id").iter_rows()]
    )
    both = both.with_columns(pl.col("_ya").alias("year_average"))
    sem2 = _stored_terms(ids, 2)
    absent = (
        pl.concat([_stored_terms(ids, 1), sem2])
        .group_by(["student_id", "school_class_id"])
        .agg(pl.col("absences").sum().cast(pl.Int16))
    )
    stored = sem2.select("student_id", "school_class_id", "conduct", *_RATINGS).join(
        absent, on=["student_id", "school_class_id"], how="left"
    )
    terms = _terms(params, both, "year_average", stored, None)
    primary = both.filter(pl.col("grade") < R.SECONDARY_FIRST_GRADE)
    if primary.height:  # Circular 27, art. 9: the year's evaluation of primary pupils
        evaluated = R.primary_year(params, primary, stored.select("student_id", "school_class_id", *_RATINGS))
        terms = (
            terms.join(
                evaluated.rename({"learning": "_py"}), on=["student_id", "school_class_id"], how="left"
            )
            .with_columns(pl.coalesce("_py", "learning").alias("learning"))
            .drop("_py")
        )
    grades = both.select("school_class_id", "grade").unique("school_class_id")
    terms = terms.join(grades, on="school_class_id", how="left")
    terms = terms.with_columns(R.promotion(params).alias("promotion")).drop("grade")
    _replace_terms(ids, YEAR, terms, classes)
    missing = set(terms["student_id"].unique().to_list()) - set(people["student_id"].to_list())
    if missing:
        people = pl.concat([people, F.people(sorted(missing))])
    slots = class_slots(
        both, "year_average", terms.with_columns(pl.lit(YEAR, pl.Int16).alias("period")), people
    )
    with connection.cursor() as cur:
        cur.executemany(
            "UPDATE results_classterm SET year_figures = %s WHERE school_class_id = %s AND semester = 2",
            [(F.json(slot), cid) for cid, slot in slots.items()],
        )


def _replace_terms(ids: list[int], period: int, terms: pl.DataFrame, classes: dict[int, int]) -> None:
    with connection.cursor() as cur:
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            cur.execute(
                f"DELETE FROM results_pupilterm WHERE period = %s AND school_class_id IN ({','.join(['%s'] * len(part))})",  # noqa: S608
                [period, *part],
            )
    if "promotion" not in terms.columns:
        terms = terms.with_columns(pl.lit("").alias("promotion"))
    out = terms.select(
        "student_id", "school_class_id",
        pl.col("school_class_id").replace_strict(classes, return_dtype=pl.Int64).alias("school_id"),
        pl.lit(period, pl.Int16).alias("period"), "learning", "conduct", "absences", "subjects", "failed",
        "mean", "promotion", *[pl.col(c).fill_null("") if c in terms.columns else pl.lit("").alias(c) for c in _RATINGS],
    )  # fmt: skip
    bulk.insert_frame(PupilTerm, out)


@transaction.atomic
def followup_add(*, actor: Actor, student_id: int, school_id: int, school_path: str, text: str) -> FollowUp:
    """A teacher's note on a pupil at risk; the caller found the pupil through its Scope."""
    actor.scope.require(perms.NOTE, school_path)
    text = (text or "").replace("\x00", "").strip()  # PostgreSQL text holds no NUL
    if not text:
        raise ValidationFailed(_("Write the note."), code="note_empty")
    if len(text) > 2000:
        raise ValidationFailed(_("A note holds at most 2000 characters."), code="note_too_long")
    note = FollowUp.objects.create(
        student_id=student_id,
        school_id=school_id,
        author=actor.user,
        author_label=actor.label[:150],
        text=text,
    )
    history.record(actor=actor, obj=note, action="create", changes={"text": [None, text]})
    return note


def recount_class_figures(class_ids: list[int]) -> int:
    """Count the outcome figures of these classes from their stored rows and pupils' results into
    `ClassTerm.figures` / `year_figures` (what an import's write counts as it goes): for classes
    written before the figures existed, or after the rules changed. Returns the notes updated."""
    updated = 0
    for semester in (1, 2):
        notes = dict(
            ClassTerm.objects.filter(school_class_id__in=class_ids, semester=semester).values_list(
                "school_class_id", "school_id"
            )
        )
        if not notes:
            continue
        ids = sorted(notes)
        terms = F.period_terms(ids, semester)
        people = F.people(terms["student_id"].unique().to_list())
        rows = F.banded(ids, semester, "average")
        slots = class_slots(rows, "average", terms, people, F.means(ids, 1) if semester == 2 else None)
        year: dict[int, dict[str, Any]] = {}
        if semester == 2:
            year = class_slots(
                F.banded(ids, 2, "year_average"), "year_average", F.period_terms(ids, YEAR), people
            )
        with connection.cursor() as cur:
            cur.executemany(
                "UPDATE results_classterm SET figures = %s, year_figures = %s WHERE school_class_id = %s "
                "AND semester = %s",
                [(F.json(slots.get(cid, {})), F.json(year.get(cid, {})), cid, semester) for cid in ids],
            )
        updated += len(ids)
    return updated
