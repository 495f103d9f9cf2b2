"""What the registry's import kinds share: the columns several of them read, the school
year reference, the name key and the one-personal-ID-per-person rule."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR
from edudx.core.rules.ethnicity import ETHNIC_GROUPS, ethnicity_code
from edudx.core.rules.levels import GRADES
from edudx.core.rules.people import gender_code
from edudx.ingest import kinds as K
from edudx.ingest.kinds import SharedValue

from ..models import SchoolYear

INGEST_RUN = "ingest.run"


def _labels(choices) -> tuple[str, ...]:
    return tuple(
        str(label).split("(")[-1].rstrip(")") if "(" in str(label) else str(label) for label in choices.labels
    )


# ----- columns shared by kinds
SCHOOL_YEAR = K.Column(
    "school_year", "Năm học", ("nam hoc", "school year", "year"), normaliser=K.SCHOOL_YEAR,
    help=_("School year, e.g. 2025-2026; empty means the current year."), example="2025-2026",
)  # fmt: skip
CLASS_NAME = K.Column(
    "class_name", "Lớp", ("ten lop", "lop hoc", "class", "class name", "ma lop"), required=True, not_blank=True,
    normaliser=K.CLASS_NAME, help=_("Class name, e.g. 6A1."), example="6A1",
)  # fmt: skip
FULL_NAME = K.Column(
    "full_name", "Họ và tên", ("ho ten", "ho va ten hoc sinh", "ho ten hoc sinh", "ho ten can bo", "full name", "name"),
    required=True, not_blank=True, normaliser=K.NAME, help=_("Full name with diacritics."), example="Nguyễn Văn An",
)  # fmt: skip
DOB = K.Column(
    "date_of_birth", "Ngày sinh", ("ngay thang nam sinh", "date of birth", "dob", "birth date"), required=True,
    not_blank=True, normaliser=K.DATE, help=_("Date of birth, dd/mm/yyyy."), example="01/03/2014",
)  # fmt: skip
GENDER = K.Column(
    "gender", "Giới tính", ("gioi tinh", "gender", "sex", "phai"), required=True, not_blank=True,
    choices=gender_code, choice_labels=("Nam", "Nữ"), help=_("Nam or Nữ."), example="Nam",
)  # fmt: skip
PID = K.Column(
    "personal_id", "Số định danh cá nhân",
    ("so dinh danh", "so dinh danh ca nhan", "ma dinh danh cong dan", "cccd", "so cccd", "personal id", "citizen id"),
    normaliser=K.PERSONAL_ID, help=_("12-digit personal ID (CCCD)."), example="079214000001",
)  # fmt: skip
ETHNICITY = K.Column(
    "ethnicity", "Dân tộc", ("dan toc", "ethnicity"), choices=ethnicity_code,
    choice_labels=tuple(ETHNIC_GROUPS.values()), help=_("Ethnic group name or GSO code."), example="Kinh",
)  # fmt: skip


def _name_key(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    """core.text.fold, vectorised: the search key stored beside every name."""
    return frame.with_columns(
        pl.col("full_name")
        .str.replace_all("[đĐð]", "d")
        .str.normalize("NFD")
        .str.replace_all(r"\p{M}", "")
        .str.to_lowercase()
        .alias("__name_key")
    )


def _personal_id_once(code_column: str):
    """The kind's rule: one personal ID, one person in the file (see ingest.kinds.SharedValue)."""

    def rule(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
        check = ctx.cache.get("personal_id_once")
        if check is None:
            check = ctx.cache["personal_id_once"] = SharedValue(
                "personal_id", code_column, "personal_id_duplicate_in_file",
                _("This personal ID is also on row(s) %(rows)s of this file: one person, one row."),
            )  # fmt: skip
        return check.check(frame, sink)

    return rule


# ----- references, resolved in bulk
def _years(ctx: K.Context) -> dict[str, int]:
    if "years" not in ctx.cache:
        ctx.cache["years"] = {y.code: y.pk for y in SchoolYear.objects.all()}
        current = SchoolYear.objects.filter(is_current=True).first()
        ctx.cache["current_year"] = current.code if current else None
        ctx.cache["closed_years"] = list(
            SchoolYear.objects.filter(closed_at__isnull=False).values_list("code", flat=True)
        )
    return ctx.cache["years"]


def resolve_year(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    years = _years(ctx)
    current = ctx.cache.get("current_year")
    frame = frame.with_columns(pl.col("school_year").fill_null(pl.lit(current, dtype=pl.String)))
    frame = sink.flag(
        frame, ~pl.col("school_year").is_in(list(years)) & pl.col("school_year").is_not_null(), "school_year",
        "school_year_not_found", ERROR, _("This school year is not set up in edudx."),
    )  # fmt: skip
    frame = sink.flag(frame, pl.col("school_year").is_null(), "school_year", "school_year_not_found", ERROR,
                      _("No school year given and no current year is set."))  # fmt: skip
    # A closed year's records are final (its reports were published from them).
    frame = sink.flag(
        frame, pl.col("school_year").is_in(ctx.cache["closed_years"]), "school_year", "school_year_closed", ERROR,
        _("This school year is closed; nothing more can be imported into it."),
    )  # fmt: skip
    return frame.with_columns(
        pl.col("school_year").replace_strict(years, default=None, return_dtype=pl.Int64).alias("year_id")
    )


def _row_dicts(new: Any) -> list[dict[str, Any]]:
    """The engine hands new rows as a polars frame (set-based writers use it as is); the one-row
    services below take them one dict at a time."""
    if new is None:
        return []
    return new.to_dicts() if isinstance(new, pl.DataFrame) else list(new)


def grade_bounds() -> tuple[pl.Expr, pl.Expr]:
    """The lowest and highest grade of each row's school level (`__level`, set by resolve_school)."""

    def bound(i: int) -> pl.Expr:
        by_level = {level: grades[i] for level, grades in GRADES.items()}
        return pl.col("__level").replace_strict(by_level, default=None, return_dtype=pl.Int64)

    return bound(0), bound(1)
