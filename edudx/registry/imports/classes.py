"""The classes kind: classes of a school for a school year."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR
from edudx.core.rules.levels import grade_from_class_name
from edudx.ingest import kinds as K
from edudx.ingest.kinds import KEY

from .. import permissions as perms
from ..kinds import SCHOOL_CODE, locate_school, resolve_school
from ..models import School, SchoolYear
from ..schemas import ClassPatch
from .common import CLASS_NAME, SCHOOL_YEAR, _row_dicts, grade_bounds, resolve_year


def existing_classes(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    from ..models import SchoolClass

    out = {}
    qs = SchoolClass.objects.filter(
        school_id__in=frame["school_id"].drop_nulls().unique().to_list(),
        year_id__in=frame["year_id"].drop_nulls().unique().to_list(),
    ).values("id", "school_id", "year_id", "name", "grade", "school__unit__path")
    index = {(c["school_id"], c["year_id"], c["name"]): c for c in qs}
    for key, sid, yid, name in frame.select(KEY, "school_id", "year_id", "class_name").iter_rows():
        c = index.get((sid, yid, name))
        if c:
            out[key] = {
                "id": c["id"], "grade": c["grade"], "class_name": c["name"], K.UNIT_PATH: c["school__unit__path"],
            }  # fmt: skip
    return out


def _class_key(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    frame = resolve_year(frame, sink, ctx)
    frame = frame.with_columns(
        (pl.col("school_code") + "/" + pl.col("school_year") + "/" + pl.col("class_name")).alias("class_key"),
        pl.coalesce(
            pl.col("grade"), pl.col("class_name").map_elements(grade_from_class_name, return_dtype=pl.Int64)
        ).alias("grade"),
    )
    lo, hi = grade_bounds()
    frame = sink.flag(frame, pl.col("grade").is_null(), "grade", "value_required", ERROR,
                      _("The grade cannot be read from the class name; give it."))  # fmt: skip
    # The service refuses it too (registry.services._check_class): say so in the check, not as
    # a failed commit.
    implied = pl.col("class_name").map_elements(grade_from_class_name, return_dtype=pl.Int64)
    frame = sink.flag(
        frame, implied.is_not_null() & pl.col("grade").is_not_null() & (implied != pl.col("grade")), "grade",
        "class_name_grade_mismatch", ERROR, _("The class name suggests another grade."),
    )  # fmt: skip
    return sink.flag(
        frame, (pl.col("grade") < lo) | (pl.col("grade") > hi), "class_name", "class_name_level_mismatch", ERROR,
        _("This class name does not fit the school's level."),
    )  # fmt: skip


def write_classes(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    from .. import services
    from ..models import SchoolClass

    rows = _row_dicts(new)
    schools = School.objects.select_related("unit").in_bulk({r["school_id"] for r in rows})
    years = {y.pk: y for y in SchoolYear.objects.all()}
    for r in rows:
        services.class_create(
            actor=actor,
            school=schools[r["school_id"]],
            year=years[r["year_id"]],
            grade=r["grade"],
            name=r["class_name"],
        )
    current = SchoolClass.objects.select_related("school__unit").in_bulk([pk for pk, _, _ in changed])
    for pk, r, changes in changed:
        patch = ClassPatch.model_construct(**({"grade": r["grade"]} if "grade" in changes else {}))
        services.class_update(actor=actor, school_class=current[pk], data=patch)


CLASSES = K.register(
    K.Kind(
        name="classes",
        label=_("Classes"),
        description=_("Classes of a school for a school year."),
        columns=(
            SCHOOL_CODE,
            SCHOOL_YEAR,
            CLASS_NAME,
            K.Column(
                "grade",
                "Khối",
                ("khoi", "khoi lop", "grade"),
                normaliser=K.INTEGER,
                help=_("Grade 1–12 (0 for preschool groups); read from the name when empty."),
                example="6",
            ),
        ),  # fmt: skip
        natural_key=("class_key",),
        compared=("grade",),
        resolve=_class_key,
        existing=existing_classes,
        write=write_classes,
        change_permission=perms.CHANGE,
        locate=locate_school,
    )
)
