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
from edudx.core.rules import ERROR, WARNING
from edudx.core.rules.curriculum import Subject
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.registry.kinds import SCHOOL_CODE, locate_school, school_paths
from edudx.registry.kinds import resolve_school as _resolve_school

from . import permissions as perms
from . import rules as R
from . import services

REGULAR = tuple(f"tx{i}" for i in range(1, 6))
SCORES = (*REGULAR, "midterm", "final")
COMPARED = ("regular", "midterm", "final", "comment", "level")


def _chooser(table: dict[str, str]):
    folded = {fold(k): v for k, v in table.items()}

    def pick(value: str) -> str | None:
        return folded.get(fold(value))

    return pick


def _subjects() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, label in Subject.choices:
        out[code] = code
        text = str(label)
        if "(" in text:
            out[text[text.index("(") + 1 : text.rindex(")")]] = code
        out[text] = code
    extra = {
        "tiếng anh": "ngoai_ngu", "ngoại ngữ": "ngoai_ngu", "giáo dục công dân": "gdcd", "lịch sử và địa lý": "ls_dl",
        "khoa học tự nhiên": "khtn", "vật lý": "vat_li", "hoá học": "hoa_hoc", "địa lý": "dia_li",
        "giáo dục kinh tế và pháp luật": "gdkt_pl", "gdktpl": "gdkt_pl", "giáo dục thể chất": "gdtc",
        "thể dục": "gdtc", "mỹ thuật": "mi_thuat", "hđtn": "hdtn", "hđtn-hn": "hdtn",
        "hoạt động trải nghiệm, hướng nghiệp": "hdtn", "hoạt động trải nghiệm": "hdtn",
        "nội dung giáo dục địa phương": "dia_phuong", "giáo dục địa phương": "dia_phuong", "gdđp": "dia_phuong",
        "giáo dục quốc phòng và an ninh": "gdqp", "gdqp-an": "gdqp", "tự nhiên và xã hội": "tnxh",
    }  # fmt: skip
    return {**out, **extra}


SUBJECT = _chooser(_subjects())
SEMESTER = _chooser({"1": "1", "i": "1", "hk1": "1", "hki": "1", "học kì 1": "1", "học kì i": "1",
                     "học kỳ 1": "1", "học kỳ i": "1", "2": "2", "ii": "2", "hk2": "2", "hkii": "2",
                     "học kì 2": "2", "học kì ii": "2", "học kỳ 2": "2", "học kỳ ii": "2"})  # fmt: skip
COMMENT = _chooser({"đ": "D", "đạt": "D", "d": "D", "dat": "D", "cđ": "C", "chưa đạt": "C", "cd": "C"})
LEVEL = _chooser({"t": "T", "hoàn thành tốt": "T", "httt": "T", "htt": "T", "h": "H", "hoàn thành": "H",
                  "ht": "H", "c": "C", "chưa hoàn thành": "C", "cht": "C"})  # fmt: skip
CONDUCT = _chooser(
    {"t": "T", "tốt": "T", "k": "K", "khá": "K", "đ": "D", "đạt": "D", "cđ": "C", "chưa đạt": "C"}
)


def _classes(ctx: K.Context, school_ids: list[int]) -> dict[tuple[int, str, str], tuple[int, int]]:
    """(school id, year code, class name) → (class id, grade), loaded once per school per run."""
    cache: dict[tuple[int, str, str], tuple[int, int]] = ctx.cache.setdefault("results_classes", {})
    seen: set[int] = ctx.cache.setdefault("results_class_schools", set())
    todo = [i for i in school_ids if i not in seen]
    if todo:
        for cid, sid, name, grade, year in bulk.select_in(
            "SELECT c.id, c.school_id, c.name, c.grade, y.code FROM registry_schoolclass c "
            "JOIN registry_schoolyear y ON y.id = c.year_id WHERE c.school_id IN ({})",
            todo,
        ):
            cache[(sid, year, str(name).upper())] = (cid, grade)
        seen.update(todo)
    return cache


def _pupils(class_ids: list[int]) -> dict[tuple[int, str], int]:
    """(class id, MOET code) → pupil id for every pupil enrolled in those classes (any state: a
    pupil who moved away keeps the results of the months they were there)."""
    rows = bulk.select_in(
        "SELECT e.school_class_id, s.moet_code, s.id FROM registry_enrolment e "
        "JOIN registry_student s ON s.id = e.student_id WHERE e.school_class_id IN ({})",
        class_ids,
    )
    return {(c, str(m).upper()): s for c, m, s in rows if m}


def _scores(frame: pl.DataFrame, sink: Any, primary: pl.Expr) -> pl.DataFrame:
    """Each score cell: a number 0–10 with at most one decimal (primary: a whole number), as tenths."""
    for col in SCORES:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(col))
            continue
        text = pl.col(col).cast(pl.String).str.strip_chars().str.replace(",", ".")
        number = text.cast(pl.Float64, strict=False)
        tenths = (number * 10).round(0)
        given = pl.col(col).is_not_null()
        frame = sink.flag(frame, given & number.is_null(), col, "score_not_number", ERROR,
                          _("The score is not a number."))  # fmt: skip
        frame = sink.flag(frame, given & ((number < 0) | (number > 10)), col, "score_out_of_range", ERROR,
                          _("A score is between 0 and 10."))  # fmt: skip
        frame = sink.flag(
            frame, given & number.is_between(0, 10) & ((number * 10 - tenths).abs() > 1e-6), col,
            "score_decimals", ERROR, _("A score has at most one decimal (7.5, not 7.25)."),
        )  # fmt: skip
        frame = sink.flag(
            frame, given & primary & number.is_between(0, 10) & ((number - number.round(0)).abs() > 1e-6), col,
            "score_not_whole", ERROR, _("Primary periodic tests are scored in whole numbers (Circular 27)."),
        )  # fmt: skip
        frame = frame.with_columns(
            pl.when(number.is_between(0, 10)).then(tenths).otherwise(None).cast(pl.Int16).alias(col)
        )
    return frame


def resolve(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    frame = _resolve_school(frame, sink, ctx).drop("__level")
    for col in ("comment", "level", "conduct", "absences", "full_name"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias(col))
    classes = _classes(ctx, frame["school_id"].drop_nulls().unique().to_list())
    keys = zip(frame["school_id"], frame["year"], frame["class_name"], strict=True)
    found = [classes.get((s, y, str(c).upper())) if s and y and c else None for s, y, c in keys]
    frame = frame.with_columns(
        pl.Series("school_class_id", [f[0] if f else None for f in found], pl.Int64),
        pl.Series("grade", [f[1] if f else None for f in found], pl.Int16),
        pl.col("semester").cast(pl.Int16),
    )
    frame = sink.flag(frame, pl.col("school_id").is_not_null() & pl.col("class_name").is_not_null()
                      & pl.col("school_class_id").is_null(), "class_name", "class_not_found", ERROR,
                      _("The school has no class of this name in this school year."))  # fmt: skip
    pupils = _pupils(frame["school_class_id"].drop_nulls().unique().to_list())
    ids = [
        pupils.get((c, str(m).upper())) if c and m else None
        for c, m in zip(frame["school_class_id"], frame["student_code"], strict=True)
    ]
    frame = frame.with_columns(pl.Series("student_id", ids, pl.Int64))
    frame = sink.flag(frame, pl.col("school_class_id").is_not_null() & pl.col("student_code").is_not_null()
                      & pl.col("student_id").is_null(), "student_code", "pupil_not_in_class", ERROR,
                      _("No pupil with this MOET code is enrolled in this class."))  # fmt: skip
    primary = pl.col("grade").fill_null(6) < R.SECONDARY_FIRST_GRADE
    frame = _scores(frame, sink, primary)
    return _checks(frame, sink, ctx, primary)


def _checks(frame: pl.DataFrame, sink: Any, ctx: K.Context, primary: pl.Expr) -> pl.DataFrame:
    params: dict[str, Any] = ctx.cache.setdefault("results_rules", {})
    for year in frame["year"].drop_nulls().unique().to_list():
        params.setdefault(year, services.rules_for(year))
    any_params = next(iter(params.values()), R.DEFAULT_PARAMS)
    comment_only = pl.col("subject").is_in(any_params["comment_subjects"])
    for col in SCORES:
        frame = sink.flag(frame, comment_only & pl.col(col).is_not_null() & ~primary, col, "comment_subject_scored",
                          ERROR, _("This subject is assessed by comments only (Đạt / Chưa đạt): it takes no score."))  # fmt: skip
    frame = sink.flag(frame, comment_only & ~primary & pl.col("comment").is_null(), "comment", "comment_missing",
                      WARNING, _("A comment-only subject needs Đạt or Chưa đạt."))  # fmt: skip
    frame = sink.flag(frame, ~comment_only & ~primary & pl.col("comment").is_not_null() & pl.col("final").is_null(),
                      "comment", "comment_on_scored_subject", ERROR,
                      _("This subject is scored: give its scores, not Đạt / Chưa đạt."))  # fmt: skip
    frame = sink.flag(frame, primary & pl.col("level").is_null(), "level", "level_missing", WARNING,
                      _("A primary subject needs its level (T, H or C)."))  # fmt: skip
    # Regular assessments needed for the subject's periods a year (Circular 22, art. 7).
    needed = [
        R.regular_needed(params.get(y, any_params), R.school_level(g), s) if g is not None and s else 0
        for y, g, s in zip(frame["year"], frame["grade"], frame["subject"], strict=True)
    ]
    count = pl.sum_horizontal([pl.col(c).is_not_null().cast(pl.Int8) for c in REGULAR])
    frame = frame.with_columns(pl.Series("__needed", needed, pl.Int8))
    frame = sink.flag(frame, ~comment_only & ~primary & pl.col("final").is_not_null() & (count < pl.col("__needed")),
                      "tx1", "regular_too_few",
                      ERROR, _("Too few regular assessments for this subject's periods a year (Circular 22: 2, 3 or 4)."))  # fmt: skip
    regular = pl.concat_list([pl.col(c).cast(pl.String) for c in REGULAR]).list.drop_nulls().list.join(",")
    return frame.with_columns(
        pl.when(regular == "").then(None).otherwise(regular).alias("regular"),
        pl.col("absences").cast(pl.Int16, strict=False),
        pl.concat_str(
            [pl.col("school_class_id"), pl.col("semester"), pl.col("student_id"), pl.col("subject")],
            separator="/",
        ).alias("result_key"),
    ).drop("__needed")


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
    facts = (
        [new.select("student_id", "school_class_id", "semester", "conduct", "absences")] if new.height else []
    )
    if changed:
        facts.append(
            pl.DataFrame(
                [{k: r.get(k) for k in ("student_id", "school_class_id", "semester", "conduct", "absences")}
                 for _, r, _c in changed],
                schema={"student_id": pl.Int64, "school_class_id": pl.Int64, "semester": pl.Int16,
                        "conduct": pl.String, "absences": pl.Int16},
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
            "or primary level, conduct and days absent. Averages and results are computed by edudx."
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
                "absences",
                "Số ngày nghỉ",
                ("so ngay nghi", "nghi", "absences", "days absent"),
                _("Days absent in the semester (optional: the registry holds no attendance)."),
                "2",
                normaliser=K.INTEGER,
            ),
        ),  # fmt: skip
        natural_key=("result_key",),
        compared=COMPARED,
        resolve=resolve,
        existing=existing,
        write=write,
        change_permission=perms.IMPORT,
        locate=locate_school,
    )
)
