"""The schools kind: schools with their level, ownership and managing unit. Thousands of rows:
the one-row services are fast enough."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR
from edudx.core.rules.levels import Level, Ownership, level_code, ownership_code
from edudx.ingest import kinds as K

from .. import permissions as perms
from ..kinds import SCHOOL_CODE
from ..models import School
from .common import _labels, _row_dicts


def _units(frame: pl.DataFrame, ctx: K.Context) -> dict[str, Any]:
    """Managing units named by `parent_code`, among those the actor can see (in bulk, cached)."""
    from edudx.orgs import selectors as org_selectors

    units = ctx.cache.setdefault("units", {})
    asked = ctx.cache.setdefault("units_asked", set())
    todo = [c for c in frame["parent_code"].drop_nulls().unique().to_list() if c not in asked]
    if todo:
        units.update(
            {u.code: u for u in org_selectors.unit_list(scope=ctx.actor.scope).filter(code__in=todo)}
        )
        asked.update(todo)
    return units


def locate_parent(frame: pl.DataFrame, ctx: K.Context) -> pl.Series:
    """The schools kind writes under the managing unit a row names (None: no parent given, or one
    the actor cannot see — refused as unknown by resolve_parent)."""
    paths = {c: u.path for c, u in _units(frame, ctx).items()}
    return frame["parent_code"].replace_strict(paths, default=None, return_dtype=pl.String)


def resolve_parent(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    units = _units(frame, ctx)
    return sink.flag(
        frame, pl.col("parent_code").is_not_null() & ~pl.col("parent_code").is_in(list(units)), "parent_code",
        "unit_not_found", ERROR, _("No managing unit has this code (or it is outside your scope)."),
    )  # fmt: skip


def existing_schools(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    codes = frame["school_code"].drop_nulls().unique().to_list()
    out = {}
    for s in School.objects.filter(moet_code__in=codes).values(
        "id", "moet_code", "level", "ownership", "address", "unit__name", "unit__parent__code", "unit__path"
    ):
        out[f"school_code={s['moet_code']}"] = {
            "id": s["id"], "school_code": s["moet_code"], "name": s["unit__name"], "level": s["level"],
            "ownership": s["ownership"], "address": s["address"], "parent_code": s["unit__parent__code"],
            K.UNIT_PATH: s["unit__path"],
        }  # fmt: skip
    return out


def write_schools(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    from .. import services

    units = ctx.cache.get("units", {})
    for r in _row_dicts(new):
        parent = units.get(r["parent_code"])
        if parent is None:
            raise ValueError("a new school needs its managing unit")  # refused in validation
        data = {k: r[k] for k in ("level", "ownership", "address") if r.get(k) is not None}
        services.school_register(
            actor=actor, parent=parent, moet_code=r["school_code"], name=r["name"], data=data
        )
    for pk, r, changes in changed:
        school = School.objects.select_related("unit").get(pk=pk)
        data = {k: r[k] for k in ("level", "ownership", "address") if k in changes}
        services.school_update(
            actor=actor, school=school, data=data, name=r["name"] if "name" in changes else None,
            parent=units.get(r["parent_code"]) if "parent_code" in changes else None,
        )  # fmt: skip


def _new_school_needs_parent(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    known = set(
        School.objects.filter(moet_code__in=frame["school_code"].drop_nulls().unique().to_list()).values_list(
            "moet_code", flat=True
        )
    )
    return sink.flag(
        frame, ~pl.col("school_code").is_in(list(known)) & pl.col("parent_code").is_null(), "parent_code",
        "value_required", ERROR, _("A new school needs the code of its managing unit."),
    )  # fmt: skip


SCHOOLS = K.register(
    K.Kind(
        name="schools",
        label=_("Schools"),
        description=_("Schools with their level, ownership and managing unit."),
        columns=(
            SCHOOL_CODE,
            K.Column(
                "name",
                "Tên trường",
                ("ten truong", "ten don vi", "school name", "name"),
                required=True,
                not_blank=True,
                help=_("Official school name."),
                example="Trường THCS Nguyễn Du",
            ),
            K.Column(
                "level",
                "Cấp học",
                ("cap hoc", "level", "school level"),
                required=True,
                not_blank=True,
                choices=level_code,
                choice_labels=_labels(Level),
                help=_("School level, e.g. THCS."),
                example="THCS",
            ),
            K.Column(
                "ownership",
                "Loại hình",
                ("loai hinh", "loai hinh truong", "ownership"),
                choices=ownership_code,
                choice_labels=_labels(Ownership),
                help=_("Public, private…"),
                example="Công lập",
            ),
            K.Column(
                "parent_code",
                "Mã đơn vị quản lý",
                ("ma don vi quan ly", "don vi quan ly", "ma phuong xa", "parent code", "managing unit"),
                normaliser=K.CODE,
                help=_("Code of the ward/commune or the department."),
                example="PA",
            ),
            K.Column("address", "Địa chỉ", ("dia chi", "address"), help=_("Address.")),
        ),  # fmt: skip
        natural_key=("school_code",),
        compared=("name", "level", "ownership", "address", "parent_code"),
        resolve=resolve_parent,
        rules=(_new_school_needs_parent,),
        existing=existing_schools,
        write=write_schools,
        change_permission=perms.CHANGE,
        locate=locate_parent,
        locate_column="parent_code",
    )
)
