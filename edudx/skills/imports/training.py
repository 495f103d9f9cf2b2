"""The training kind (issue #16 item 4): a provider's or the school's list of completed
trainings — school, staff member (MOET code or personal ID), competence of the teachers'
framework in force, training, provider, completion date, hours. The natural key is (staff,
competence, training, date): a list imported twice changes nothing."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.registry import selectors as registry_selectors
from edudx.registry.kinds import SCHOOL_CODE, locate_school, resolve_school, school_paths

from .. import permissions as perms
from ..models import Competence, Framework, TrainingRecord
from ..services.results import clean_pid
from ..services.training import write_imported

COMPARED = ("provider", "hours")


def _competences(ctx: K.Context) -> dict[str, int]:
    """Folded competence code → id, in the teachers' frameworks in force (newest version wins)."""
    if "skills_comp" not in ctx.cache:
        table: dict[str, int] = {}
        for pk, code in (
            Competence.objects.filter(
                framework__audience=Framework.Audience.TEACHER, framework__state=Framework.State.ACTIVE
            )
            .order_by("framework__version")
            .values_list("pk", "code")
        ):
            table[fold(code)] = pk
        ctx.cache["skills_comp"] = table
    comps: dict[str, int] = ctx.cache["skills_comp"]
    return comps


def _staff_ids(frame: pl.DataFrame, ctx: K.Context) -> list[int | None]:
    """Each row's staff id: its staff code (MOET code, or a personal ID) among the staff of its
    school that the importer's scope shows."""
    school_ids = frame["school_id"].drop_nulls().unique().to_list()
    by_key: dict[tuple[int, str], int] = {}
    qs = registry_selectors.staff_list(scope=ctx.actor.scope)[0]
    for i in range(0, len(school_ids), 500):
        for pk, sid, moet, pid in (
            qs.filter(school_id__in=school_ids[i : i + 500])
            .order_by()
            .values_list("pk", "school_id", "moet_code", "personal_id")
        ):
            if moet:
                by_key[(sid, moet.upper())] = pk
            if pid:
                by_key[(sid, pid)] = pk
    out: list[int | None] = []
    for sid, code in zip(frame["school_id"], frame["staff_code"], strict=True):
        if sid is None or not code:
            out.append(None)
            continue
        out.append(by_key.get((sid, code.upper())) or by_key.get((sid, clean_pid(code) or "")))
    return out


def resolve(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    frame = resolve_school(frame, sink, ctx)
    comps = _competences(ctx)
    frame = frame.with_columns(
        pl.Series("staff_id", _staff_ids(frame, ctx), dtype=pl.Int64),
        pl.Series(
            "competence_id",
            [comps.get(fold(v or "")) for v in frame["competence"].cast(pl.String).to_list()],
            dtype=pl.Int64,
        ),
    )
    frame = sink.flag(
        frame,
        pl.col("school_id").is_not_null() & pl.col("staff_id").is_null(),
        "staff_code",
        "staff_not_found",
        ERROR,
        _("No staff member of this school has this code."),
    )
    frame = sink.flag(
        frame,
        pl.col("competence_id").is_null(),
        "competence",
        "unknown_competence",
        ERROR,
        _("No competence of the teachers' framework has this code."),
    )
    for col in ("provider", "hours"):
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None).alias(col))
    frame = sink.flag(
        frame,
        pl.col("completed_on") > pl.lit(timezone.localdate()),
        "completed_on",
        "completed_in_future",
        ERROR,
        _("The completion date is in the future."),
    )
    frame = sink.flag(
        frame,
        (pl.col("title").str.len_chars() > 255) | (pl.col("provider").cast(pl.String).str.len_chars() > 255),
        "title",
        "too_long",
        ERROR,
        _("At most 255 characters."),
    )
    frame = sink.flag(
        frame,
        pl.col("hours").cast(pl.Int64, strict=False).is_between(1, 2000).not_()
        & pl.col("hours").is_not_null(),
        "hours",
        "hours_out_of_range",
        ERROR,
        _("Hours between 1 and 2000."),
    )
    return frame.with_columns(
        pl.concat_str(
            [
                pl.col("staff_id").cast(pl.String),
                pl.col("competence_id").cast(pl.String),
                pl.col("completed_on").cast(pl.String),
                pl.col("title"),
            ],
            separator="/",
        ).alias("training_key")
    )


def existing(frame: pl.DataFrame, ctx: K.Context) -> dict[str, K.Record]:
    staff_ids = frame["staff_id"].drop_nulls().unique().to_list()
    out: dict[str, K.Record] = {}
    for i in range(0, len(staff_ids), 2000):
        for r in TrainingRecord.objects.filter(staff_id__in=staff_ids[i : i + 2000]).values(
            "id", "staff_id", "competence_id", "completed_on", "title", "unit_path", *COMPARED
        ):
            key = f"{r['staff_id']}/{r['competence_id']}/{r['completed_on'].isoformat()}/{r['title']}"
            r[K.UNIT_PATH] = r.pop("unit_path")
            out[f"training_key={key}"] = r
    return out


def write(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    rows: list[dict[str, Any]] = list(new.iter_rows(named=True))
    paths = school_paths(ctx, [r["school_id"] for r in rows])
    write_imported(actor=actor, rows=({**r, "unit_path": paths[r["school_id"]]} for r in rows))
    for pk, row, changes in changed:
        TrainingRecord.objects.filter(pk=pk).update(**{k: row.get(k) or None for k in changes})


TRAINING = K.register(
    K.Kind(
        name="skills_training",
        label=_("Staff training records"),
        description=_(
            "Trainings staff completed, one competence of the teachers' framework a row: they close the gaps "
            "of the training plan."
        ),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "staff_code",
                "Mã cán bộ",
                ("ma can bo", "ma giao vien", "so dinh danh", "cccd", "staff code", "personal id"),
                required=True,
                not_blank=True,
                normaliser=K.CODE,
                help=_("MOET code of the staff member, or their personal ID."),
                example="GV79000101",
            ),
            K.Column(
                "competence",
                "Năng lực",
                ("nang luc", "ma nang luc", "competence"),
                required=True,
                not_blank=True,
                normaliser=K.TEXT,
                help=_("Code of the competence in the teachers' framework (1.1, 2.3…)."),
                example="1.1",
            ),
            K.Column(
                "title",
                "Khóa bồi dưỡng",
                ("khoa boi duong", "khoa hoc", "ten khoa", "training", "course"),
                required=True,
                not_blank=True,
                help=_("Name of the training."),
                example="Bồi dưỡng năng lực số 2026",
            ),
            K.Column(
                "provider",
                "Đơn vị tổ chức",
                ("don vi to chuc", "don vi", "provider"),
                help=_("Who ran it."),
                example="Sở GDĐT",
            ),
            K.Column(
                "completed_on",
                "Ngày hoàn thành",
                ("ngay hoan thanh", "ngay", "completed on", "date"),
                required=True,
                not_blank=True,
                normaliser=K.DATE,
                help=_("dd/mm/yyyy."),
                example="15/05/2026",
            ),
            K.Column(
                "hours",
                "Số tiết",
                ("so tiet", "so gio", "hours"),
                normaliser=K.INTEGER,
                help=_("Hours (periods)."),
                example="30",
            ),
        ),
        natural_key=("training_key",),
        compared=COMPARED,
        resolve=resolve,
        existing=existing,
        write=write,
        change_permission=perms.MANAGE_TRAINING,
        locate=locate_school,
    )
)
