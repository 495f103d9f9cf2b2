"""The pupils' competence levels kind (issue #16 item 5): school, pupil (MOET code or personal
ID), competence and level of the learners' framework, school year (the current one when empty).
Rows write into the pupil's school and need `skills.assess_pupils` there: a school imports its
own pupils' levels, nobody else's. The natural key is (pupil, competence, year)."""

from __future__ import annotations

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.registry import selectors as registry_selectors
from edudx.registry.kinds import SCHOOL_CODE, locate_school, resolve_school, school_paths

from .. import permissions as perms
from ..models import Competence, Level, PupilLevel
from ..selectors.pupils import learners_framework
from ..services.pupils import write_imported
from ..services.results import clean_pid

COMPARED = ("level_id",)


def _tables(ctx: K.Context) -> tuple[dict[str, int], dict[str, int], str]:
    """Folded competence code → id, folded level code → id (school levels of the learners'
    framework in force), and the current school year."""
    if "skills_pupil_tables" not in ctx.cache:
        fw = learners_framework()
        comps = {fold(c): pk for pk, c in Competence.objects.filter(framework=fw).values_list("pk", "code")}
        levels = {
            fold(c): pk
            for pk, c in Level.objects.filter(framework=fw, grade_from__isnull=False).values_list(
                "pk", "code"
            )
        }
        year = registry_selectors.current_year()
        ctx.cache["skills_pupil_tables"] = (comps, levels, year.code if year else "")
    tables: tuple[dict[str, int], dict[str, int], str] = ctx.cache["skills_pupil_tables"]
    return tables


def _pupils(frame: pl.DataFrame, ctx: K.Context) -> tuple[list[int | None], list[int | None]]:
    """Each row's pupil id and current grade: its pupil code (MOET code or personal ID) among
    the pupils of its school that the importer's scope shows."""
    school_ids = frame["school_id"].drop_nulls().unique().to_list()
    by_key: dict[tuple[int, str], tuple[int, int | None]] = {}
    qs = registry_selectors.student_list(scope=ctx.actor.scope)[0]
    for i in range(0, len(school_ids), 200):
        for pk, sid, moet, pid, grade in (
            qs.filter(school_id__in=school_ids[i : i + 200], enrolments__state="active")
            .order_by()
            .values_list("pk", "school_id", "moet_code", "personal_id", "enrolments__school_class__grade")
        ):
            for k in (moet, pid):
                if k:
                    by_key[(sid, k.upper())] = (pk, grade)
    ids: list[int | None] = []
    grades: list[int | None] = []
    for sid, code in zip(frame["school_id"], frame["pupil_code"], strict=True):
        hit = by_key.get((sid, (code or "").upper())) or by_key.get((sid, clean_pid(code) or ""))
        ids.append(hit[0] if hit else None)
        grades.append(hit[1] if hit else None)
    return ids, grades


def resolve(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    comps, levels, year = _tables(ctx)
    ids, grades = _pupils(frame, ctx)
    if "school_year" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("school_year"))
    frame = frame.with_columns(
        pl.Series("student_id", ids, dtype=pl.Int64),
        pl.Series("grade", grades, dtype=pl.Int64),
        pl.Series(
            "competence_id", [comps.get(fold(v or "")) for v in frame["competence"].to_list()], dtype=pl.Int64
        ),
        pl.Series("level_id", [levels.get(fold(v or "")) for v in frame["level"].to_list()], dtype=pl.Int64),
        pl.col("school_year").fill_null(year),
    )
    for cond, col, code, msg in (
        (
            pl.col("school_id").is_not_null() & pl.col("student_id").is_null(),
            "pupil_code",
            "pupil_not_found",
            _("No pupil in a class of this school has this code."),
        ),
        (
            pl.col("competence_id").is_null(),
            "competence",
            "unknown_competence",
            _("No competence of the learners' framework has this code."),
        ),
        (
            pl.col("level_id").is_null(),
            "level",
            "unknown_level",
            _("No level for school has this code (CB1, CB2, TC1, TC2, NC1)."),
        ),
        (
            pl.col("school_year") != pl.lit(year),
            "school_year",
            "not_current_year",
            _("Levels are entered for the current school year."),
        ),
    ):
        frame = sink.flag(frame, cond, col, code, ERROR, msg)
    return frame.with_columns(
        pl.concat_str(
            [
                pl.col("student_id").cast(pl.String),
                pl.col("competence_id").cast(pl.String),
                pl.col("school_year"),
            ],
            separator="/",
        ).alias("pupil_level_key")
    )


def existing(frame: pl.DataFrame, ctx: K.Context) -> dict[str, K.Record]:
    student_ids = frame["student_id"].drop_nulls().unique().to_list()
    out: dict[str, K.Record] = {}
    for i in range(0, len(student_ids), 2000):
        for r in PupilLevel.objects.filter(student_id__in=student_ids[i : i + 2000]).values(
            "id", "student_id", "competence_id", "school_year", "level_id", "unit_path"
        ):
            rec: K.Record = {**r, K.UNIT_PATH: r["unit_path"]}
            out[f"pupil_level_key={r['student_id']}/{r['competence_id']}/{r['school_year']}"] = rec
    return out


def write(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    rows = list(new.iter_rows(named=True))
    paths = school_paths(ctx, [r["school_id"] for r in rows])
    write_imported(
        actor=actor,
        rows=({**r, "unit_path": paths[r["school_id"]]} for r in rows),
        changed=[(pk, row["level_id"]) for pk, row, _c in changed],
    )


PUPIL_LEVELS = K.register(
    K.Kind(
        name="skills_pupil_levels",
        label=_("Pupils' digital competence levels"),
        description=_(
            "Teachers' assessments: the level of the learners' framework each pupil reached in a competence, "
            "for the current school year. Only the pupil's school imports them."
        ),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "pupil_code",
                "Mã học sinh",
                ("ma hoc sinh", "ma dinh danh", "so dinh danh", "pupil code", "student code"),
                required=True,
                not_blank=True,
                normaliser=K.CODE,
                help=_("MOET code of the pupil, or their personal ID."),
                example="7900000001",
            ),
            K.Column(
                "competence",
                "Năng lực",
                ("nang luc", "ma nang luc", "competence"),
                required=True,
                not_blank=True,
                help=_("Code of the competence in the learners' framework (1.1 … 6.4)."),
                example="1.1",
            ),
            K.Column(
                "level",
                "Mức đạt",
                ("muc dat", "muc", "trinh do", "level"),
                required=True,
                not_blank=True,
                normaliser=K.CODE,
                help=_("CB1, CB2, TC1, TC2 or NC1."),
                example="TC1",
            ),
            K.Column(
                "school_year",
                "Năm học",
                ("nam hoc", "school year"),
                normaliser=K.SCHOOL_YEAR,
                help=_("Empty: the current school year."),
                example="2025-2026",
            ),
        ),
        natural_key=("pupil_level_key",),
        compared=COMPARED,
        resolve=resolve,
        existing=existing,
        write=write,
        change_permission=perms.ASSESS_PUPILS,
        locate=locate_school,
    )
)
