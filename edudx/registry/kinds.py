"""The registry's part of the ingest kind contract, public to every app's kinds: the
school reference (a `school_code` column, the `locate` and `resolve` steps that turn it into
a school and its unit path). Any app whose import names a school uses these, so a school code
means the same thing — and is refused for the same reasons — in every kind."""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR
from edudx.ingest import kinds as K

from . import selectors
from .models import School

SCHOOL_CODE = K.Column(
    "school_code", "Mã trường", ("ma truong", "school code", "ma don vi", "ma truong moet"),
    required=True, not_blank=True, normaliser=K.CODE, help=_("MOET code of the school."), example="79000101",
)  # fmt: skip


def _schools(ctx: K.Context, codes: list[str]) -> dict[str, dict[str, Any]]:
    cache = ctx.cache.setdefault("schools", {})
    todo = [c for c in codes if c not in cache]
    if todo:
        cache.update(selectors.schools_by_code(todo))
        for c in todo:
            cache.setdefault(c, None)
    return cache


def locate_school(frame: pl.DataFrame, ctx: K.Context) -> pl.Series:
    """A kind's `locate` for a `school_code` column: the unit path of each row's school (None for
    an unknown code). The engine refuses rows of schools outside the actor's scope
    (ingest/engine/scope.py); every app's kind that names a school uses this one."""
    codes = frame["school_code"].drop_nulls().unique().to_list()
    schools = _schools(ctx, codes)
    paths = {c: s["path"] for c, s in schools.items() if s}
    return frame["school_code"].replace_strict(paths, default=None, return_dtype=pl.String)


def school_paths(ctx: K.Context, school_ids: list[int]) -> dict[int, str]:
    """{school id: unit path} for the records an `existing` step matched (one query per chunk,
    for the ids not seen before in the run)."""
    cache: dict[int, str] = ctx.cache.setdefault("school_paths", {})
    todo = [i for i in school_ids if i is not None and i not in cache]
    if todo:
        cache.update(School.objects.filter(pk__in=todo).values_list("id", "unit__path"))
    return cache


def resolve_school(frame: pl.DataFrame, sink: Any, ctx: K.Context) -> pl.DataFrame:
    """A kind's `resolve` step for a `school_code` column: school_code → school_id (and
    `__level`), refusing unknown codes. Scope is not checked here: the engine refused the rows
    of schools outside the actor's scope before this step (Kind.locate)."""
    codes = frame["school_code"].drop_nulls().unique().to_list()
    schools = _schools(ctx, codes)
    unknown = [c for c in codes if schools.get(c) is None]
    frame = sink.flag(
        frame, pl.col("school_code").is_in(unknown), "school_code", "school_not_found", ERROR,
        _("No school has this MOET code."),
    )  # fmt: skip
    ids = {c: s["id"] for c, s in schools.items() if s}
    levels = {c: s["level"] for c, s in schools.items() if s}
    return frame.with_columns(
        pl.col("school_code").replace_strict(ids, default=None, return_dtype=pl.Int64).alias("school_id"),
        pl.col("school_code").replace_strict(levels, default=None, return_dtype=pl.String).alias("__level"),
    )
