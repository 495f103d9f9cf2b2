"""The `results` kind: a school-management export in the long layout, one row per pupil ×
subject × semester (vnEdu/SMAS "bảng điểm" flattened): school, year, semester, class, pupil's
MOET code, subject, ĐĐGtx1…ĐĐGtx5, ĐĐGgk, ĐĐGck, comment (Đ/CĐ), primary level (T/H/C),
conduct and days absent. The template download (ingest's template.py) documents it.

Scope: every row writes into its school (`locate_school`); the engine refuses rows of schools
outside the importer's scope. The natural key is class/semester/pupil/subject: a file imported
twice changes nothing. Averages and results are computed by services (never read from the file).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core.db import bulk
from edudx.core.rules.curriculum import Subject
from edudx.ingest import kinds as K
from edudx.registry.kinds import SCHOOL_CODE, locate_school, school_paths
from edudx.registry.kinds import resolve_school as _resolve_school

from . import importchecks as C
from . import permissions as perms
from . import rules as R
from . import scorebook, services
from .choices import COMMENT, CONDUCT, LEVEL, RATING, SEMESTER, SUBJECT
from .importchecks import REGULAR, SCORES

COMPARED = ("regular", "midterm", "final", "comment", "level")
FACTS = ("student_id", "school_class_id", "semester", "conduct", "absences", "qualities", "competences")


def _classes(ctx: K.Context, school_ids: list[int]) -> pl.DataFrame:
    """The classes of these schools (school_id, year, __class_key, school_class_id, grade), loaded
    once per school per run."""
    seen: set[int] = ctx.cache.setdefault("results_class_schools", set())
    todo = [i for i in school_ids if i not in seen]
    if todo:
        rows = bulk.select_in(
            "SELECT c.school_id, y.code, UPPER(c.name), c.id, c.grade FROM registry_schoolclass c "
            "JOIN registry_schoolyear y ON y.id = c.year_id WHERE c.school_id IN ({})",
            todo,
        )
        part = pl.DataFrame(rows, schema=_CLASS_SCHEMA, orient="row")
        ctx.cache["results_classes"] = pl.concat([ctx.cache.get("results_classes", part.clear()), part])
        seen.update(todo)
    classes: pl.DataFrame = ctx.cache.get("results_classes", pl.DataFrame(schema=_CLASS_SCHEMA))
    return classes


_CLASS_SCHEMA = {"school_id": pl.Int64, "year": pl.String, "__class_key": pl.String, "school_class_id": pl.Int64,
                 "grade": pl.Int16}  # fmt: skip


def _pupils(class_ids: list[int]) -> pl.DataFrame:
    """(class id, MOET code) → pupil id for every pupil enrolled in those classes (any state: a
    pupil who moved away keeps the results of the months they were there)."""
    rows = bulk.select_in(
        "SELECT e.school_class_id, UPPER(s.moet_code), s.id FROM registry_enrolment e "
        "JOIN registry_student s ON s.id = e.student_id WHERE e.school_class_id IN ({}) AND s.moet_code IS NOT NULL",
        class_ids,
    )
    schema = {"school_class_id": pl.Int64, "__code_key": pl.String, "student_id": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row").unique(["school_class_id", "__code_key"])


def _params(ctx: K.Context, frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    params: dict[str, dict[str, Any]] = ctx.cache.setdefault("results_rules", {})
    for year in frame["year"].drop_nulls().unique().to_list():
        if year not in params:
            params[year] = services.rules_for(year)
    return params


def _needed(ctx: K.Context, frame: pl.DataFrame) -> pl.DataFrame:
    """(year, __level, subject) → regular assessments needed, for the combinations in the chunk."""
    params = _params(ctx, frame)
    combos = frame.select("year", "__level", "subject").unique().drop_nulls()
    needed = [
        R.regular_needed(params.get(y, R.DEFAULT_PARAMS), lv, subj) for y, lv, subj in combos.iter_rows()
    ]
    return combos.with_columns(pl.Series("__needed", needed, pl.Int8))


def _flags(frame: pl.DataFrame, sink: Any, checks: list[tuple[pl.Expr, str, str, str, Any]]) -> pl.DataFrame:
    """Evaluate every check's mask in one pass over the chunk, then flag the rows of each."""
    masks = frame.select([m.fill_null(False).alias(f"m{i}") for i, (m, *_r) in enumerate(checks)])
    for i, (_m, key, code, severity, message) in enumerate(checks):
        mask = masks[f"m{i}"]
        if mask.any():
            frame = sink.flag(frame, mask, key, code, severity, message)
    return frame


def resolve(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = _resolve_school(frame, sink, ctx).drop("__level")
    for col in (
        "comment",
        "level",
        "conduct",
        "absences",
        "full_name",
        "qualities",
        "competences",
        "stated_average",
        *SCORES,
    ):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(col))
    classes = _classes(ctx, frame["school_id"].drop_nulls().unique().to_list())
    frame = frame.with_columns(
        pl.col("class_name").str.to_uppercase().alias("__class_key"),
        pl.col("student_code").str.to_uppercase().alias("__code_key"),
        pl.col("semester").cast(pl.Int16),
    ).join(classes, on=["school_id", "year", "__class_key"], how="left", maintain_order="left")
    pupils = _pupils(frame["school_class_id"].drop_nulls().unique().to_list())
    frame = frame.join(pupils, on=["school_class_id", "__code_key"], how="left", maintain_order="left")
    grade = pl.col("grade").fill_null(R.SECONDARY_FIRST_GRADE)
    frame = frame.with_columns(
        pl.when(grade < R.SECONDARY_FIRST_GRADE).then(pl.lit("TH")).when(grade <= 9).then(pl.lit("THCS"))
        .otherwise(pl.lit("THPT")).alias("__level")
    )  # fmt: skip
    frame = frame.join(
        _needed(ctx, frame), on=["year", "__level", "subject"], how="left", maintain_order="left"
    )
    params = next(iter(_params(ctx, frame).values()), R.DEFAULT_PARAMS)
    # Each score parsed once (the checks and the tenths read these columns, not the text again).
    frame = frame.with_columns(_number(c).alias(f"__n_{c}") for c in SCORES)
    frame = _flags(frame, sink, C.row_checks(params["comment_subjects"]) + C.primary_checks(params))
    frame = frame.with_columns(
        pl.when(pl.col(f"__n_{c}").is_between(0, 10))
        .then((pl.col(f"__n_{c}") * 10).round(0))
        .otherwise(None)
        .cast(pl.Int16)
        .alias(c)
        for c in SCORES
    )
    regular = pl.concat_str([pl.col(c).cast(pl.String) for c in REGULAR], separator=",", ignore_nulls=True)
    frame = frame.with_columns(pl.when(regular == "").then(None).otherwise(regular).alias("regular"))
    if frame["stated_average"].is_not_null().any():  # the score book's ĐTBmhk: compared, never stored
        frame = _flags(
            frame.with_columns(_number("stated_average").alias("__n_stated_average")),
            sink,
            [C.average_check(params)],
        ).drop("__n_stated_average")
    return frame.with_columns(
        pl.col("absences").cast(pl.Int16, strict=False),
        pl.concat_str(
            [pl.col("school_class_id"), pl.col("semester"), pl.col("student_id"), pl.col("subject")],
            separator="/",
        ).alias("result_key"),
    ).drop("__class_key", "__code_key", "__needed", "__level", *(f"__n_{c}" for c in SCORES))


def _number(col: str) -> pl.Expr:
    text = pl.col(col).cast(pl.String)
    # Fast path: a plain number ("7", "8.5") parses as is; a padded value or a decimal comma
    # ("7,5") takes the slow one.
    plain = text.cast(pl.Float64, strict=False)
    number = plain.fill_null(
        text.str.strip_chars().str.replace(",", ".", literal=True).cast(pl.Float64, strict=False)
    )
    return pl.when(number.is_finite()).then(number).otherwise(None)  # "nan", "inf": not a score


def existing(frame: pl.DataFrame, ctx: K.Context) -> dict[str, K.Record]:
    classes = frame["school_class_id"].drop_nulls().unique().to_list()
    if not classes:
        return {}
    out: dict[str, K.Record] = {}
    rows = bulk.select_in(
        "SELECT id, school_class_id, semester, student_id, subject, school_id, regular, midterm, final, comment, "
        "level FROM results_subjectresult WHERE school_class_id IN ({})",
        classes,
    )
    paths = school_paths(ctx, list({r[5] for r in rows}))
    for pk, cid, sem, sid, subj, school, reg, mid, fin, com, lev in rows:
        out[f"result_key={cid}/{sem}/{sid}/{subj}"] = {
            "id": pk, "regular": reg or None, "midterm": mid, "final": fin, "comment": com, "level": lev,
            K.UNIT_PATH: paths.get(school),
        }  # fmt: skip
    return out


@transaction.atomic
def write(*, actor: Any, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    params = next(iter(ctx.cache.get("results_rules", {}).values()), R.DEFAULT_PARAMS)
    facts = [new.select(*FACTS)] if new.height else []
    if changed:
        facts.append(
            pl.DataFrame(
                [{k: r.get(k) for k in FACTS} for _, r, _c in changed],
                schema={"student_id": pl.Int64, "school_class_id": pl.Int64, "semester": pl.Int16,
                        "conduct": pl.String, "absences": pl.Int16, "qualities": pl.String, "competences": pl.String},
            )
        )  # fmt: skip
    services.results_write(
        actor=actor,
        new=new.with_columns(pl.col("comment").fill_null(""), pl.col("level").fill_null("")),
        changed=[(pk, {**row, "comment": row.get("comment") or "", "level": row.get("level") or ""}) for pk, row, _c in changed],
        params=params,
        pupil_facts=pl.concat([f.cast({"semester": pl.Int16, "absences": pl.Int16}) for f in facts]) if facts else None,
    )  # fmt: skip


def _col(key: str, header: str, aliases: tuple[str, ...], help_: Any, example: str, **kw: Any) -> K.Column:
    return K.Column(key, header, aliases, help=help_, example=example, **kw)


_TX = tuple(
    _col(f"tx{i}", f"ĐĐGtx{i}", (f"ddgtx{i}", f"tx{i}", f"diem tx{i}", f"thuong xuyen {i}", f"regular {i}"),
         _("Regular assessment %(n)s (0–10, one decimal).") % {"n": i}, ("7.5", "8", "9", "", "")[i - 1])
    for i in range(1, 6)
)  # fmt: skip

RESULTS = K.register(
    K.Kind(
        name="results",
        label=_("Learning results (score book)"),
        description=_(
            "Scores and comments per pupil, subject and semester from the school-management software "
            "(one row per pupil and subject): regular assessments, midterm, final, comment (Đạt / Chưa đạt) "
            "or primary level, conduct and days absent. Averages and results are computed by edudx. "
            "The vnEdu/SMAS score book is read as exported too: one sheet per class and subject "
            "(an example: Learning outcomes › Example score book)."
        ),
        columns=(
            SCHOOL_CODE,
            _col(
                "year",
                "Năm học",
                ("nam hoc", "school year", "year"),
                _("2025-2026."),
                "2025-2026",
                required=True,
                not_blank=True,
                normaliser=K.SCHOOL_YEAR,
            ),
            _col(
                "semester",
                "Học kì",
                ("hoc ki", "hoc ky", "semester", "hk"),
                _("1 or 2."),
                "1",
                required=True,
                not_blank=True,
                choices=SEMESTER,
                choice_labels=("1", "2"),
            ),
            _col(
                "class_name",
                "Lớp",
                ("lop", "ten lop", "class"),
                _("Class name as in the registry."),
                "6A1",
                required=True,
                not_blank=True,
                normaliser=K.CLASS_NAME,
            ),
            _col(
                "student_code",
                "Mã học sinh",
                ("ma hoc sinh", "ma hs", "ma dinh danh bo", "student code", "moet code"),
                _("The pupil's MOET code."),
                "7900012345",
                required=True,
                not_blank=True,
                normaliser=K.CODE,
            ),
            _col(
                "full_name",
                "Họ và tên",
                ("ho va ten", "ho ten", "full name", "name"),
                _("For reading only."),
                "Nguyễn Văn An",
                normaliser=K.NAME,
            ),
            _col(
                "subject",
                "Môn học",
                ("mon hoc", "mon", "subject"),
                _("Subject name or code."),
                "Toán",
                required=True,
                not_blank=True,
                choices=SUBJECT,
                choice_labels=tuple(str(label) for _c, label in Subject.choices),
            ),
            *_TX,
            _col(
                "midterm",
                "ĐĐGgk",
                ("ddggk", "giua ki", "giua ky", "diem giua ki", "midterm"),
                _("Midterm assessment (0–10, one decimal)."),
                "7",
            ),
            _col(
                "final",
                "ĐĐGck",
                ("ddgck", "cuoi ki", "cuoi ky", "diem cuoi ki", "final", "ktdk"),
                _("Final assessment (0–10, one decimal; primary: whole number)."),
                "8.5",
            ),
            _col(
                "comment",
                "Nhận xét",
                ("nhan xet", "danh gia", "comment"),
                _("Comment-only subjects: Đ or CĐ."),
                "",
                choices=COMMENT,
                choice_labels=("Đạt", "Chưa đạt"),
            ),
            _col(
                "level",
                "Mức đạt được",
                ("muc dat duoc", "muc", "level"),
                _("Primary: T, H or C."),
                "",
                choices=LEVEL,
                choice_labels=("Hoàn thành tốt", "Hoàn thành", "Chưa hoàn thành"),
            ),
            _col(
                "conduct",
                "Rèn luyện",
                ("ren luyen", "hanh kiem", "conduct"),
                _("Conduct of the semester (once per pupil is enough)."),
                "Tốt",
                choices=CONDUCT,
                choice_labels=("Tốt", "Khá", "Đạt", "Chưa đạt"),
            ),
            _col(
                "qualities",
                "Phẩm chất",
                ("pham chat", "qualities"),
                _("Primary (Circular 27): qualities, Tốt / Đạt / Cần cố gắng (once per pupil is enough)."),
                "",
                choices=RATING,
                choice_labels=("Tốt", "Đạt", "Cần cố gắng"),
            ),
            _col(
                "competences",
                "Năng lực",
                ("nang luc", "competences"),
                _("Primary (Circular 27): competences, Tốt / Đạt / Cần cố gắng (once per pupil is enough)."),
                "",
                choices=RATING,
                choice_labels=("Tốt", "Đạt", "Cần cố gắng"),
            ),
            _col(
                "absences",
                "Số ngày nghỉ",
                ("so ngay nghi", "nghi", "absences", "days absent"),
                _("Days absent in the semester (optional: the registry holds no attendance)."),
                "2",
                normaliser=K.INTEGER,
            ),
            _col(
                "stated_average",
                "ĐTBmhk",
                ("dtbmhk", "dtbm", "tbm", "diem tbm", "diem trung binh", "semester average"),
                _(
                    "Read only: the average the school-management software computed; a mismatch with edudx's is a warning."
                ),
                "",
            ),
        ),  # fmt: skip
        natural_key=("result_key",),
        compared=COMPARED,
        resolve=resolve,
        existing=existing,
        write=write,
        # A short commit per chunk (engine/commit.py): each write recomputes its classes' pupils,
        # a fixed cost the default 1,000-row commits paid 50 times a chunk (plus 50 pauses).
        commit_rows=50_000,
        change_permission=perms.IMPORT,
        locate=locate_school,
        reader=scorebook.read,  # the vnEdu/SMAS score book: one sheet per class × subject
    )
)
