"""The scope gate: what a file may touch, checked by the engine for every kind alike.

Two checks, both set-based (in memory, over the distinct unit paths of a chunk):

* targets — the unit each row writes into (`Kind.locate`) must be one where the actor holds
  the kind's `permission` and `change_permission`; other rows are refused with
  `school_out_of_scope` before the kind's `resolve` looks anything up for them.
* records — every record `Kind.existing` matched carries the path of its unit (`UNIT_PATH`);
  a match outside the scope is dropped before the preview, the diffs or the writer see any
  of its values, and its rows are refused with `record_out_of_scope`. The answer is the same
  whichever identifier matched (code or personal ID) and names the kind's first key column,
  so it tells nothing of the record: not its name, school or any field.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR

from ..kinds import CLAIMED, TARGET_PATH, UNIT_PATH, Context, Kind
from .read import ROW
from .validate import KEY

TARGET_OUT_OF_SCOPE = "school_out_of_scope"
RECORD_OUT_OF_SCOPE = "record_out_of_scope"
TARGET_MESSAGE = _("You may not import data of this school (outside your scope).")
VALUE_TAKEN = "value_taken"
TAKEN_MESSAGE = _("This value already belongs to another record.")
RECORD_MESSAGE = _(
    "This identifier cannot be used in your import: it is not available to you. "
    "A record of another school changes school by a transfer, not by an import."
)


def allowed(kind: Kind, ctx: Context) -> Any:
    """path -> may the actor import into / change records of that unit? (memoised per run)"""
    cache: dict[str, bool] = ctx.cache.setdefault("__scope_allowed", {})
    scope = ctx.actor.scope

    def ok(path: str | None) -> bool:
        if not path:
            return False
        hit = cache.get(path)
        if hit is None:
            hit = cache[path] = bool(
                scope.can(kind.permission, path) and scope.can(kind.change_permission, path)
            )
        return hit

    return ok


def refuse_foreign_targets(
    frame: pl.DataFrame, sink: Any, kind: Kind, ctx: Context
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """(rows to check further, rows refused): TARGET_PATH added from the kind's `locate`, and
    the rows writing outside the scope refused and set aside — no later step (the kind's
    lookups of classes, rooms…, its rules, the match) runs on them, so no answer about them
    can depend on what another school holds. The caller puts them back, rejected, at the end."""
    paths = kind.locate(frame, ctx)
    if len(paths) != frame.height:
        raise ValueError(f"{kind.name}.locate returned {len(paths)} paths for {frame.height} rows")
    frame = frame.with_columns(paths.cast(pl.String).alias(TARGET_PATH))
    ok = allowed(kind, ctx)
    outside = [p for p in frame[TARGET_PATH].drop_nulls().unique().to_list() if not ok(p)]
    if not outside:
        return frame, None
    # fill_null: a row that names no known unit (None) is not refused here, and must not be
    # dropped by both filters below (a null test keeps a row in neither).
    hit = pl.col(TARGET_PATH).is_in(outside).fill_null(False)
    frame = sink.flag(frame, hit, kind.locate_column, TARGET_OUT_OF_SCOPE, ERROR, TARGET_MESSAGE)
    return frame.filter(~hit), frame.filter(hit)


def refuse_foreign_records(
    kind: Kind, valid: pl.DataFrame, existing: dict[str, dict[str, Any]], ctx: Context, problems: Any,
    header_of: dict[str, str],
) -> tuple[pl.DataFrame, dict[str, dict[str, Any]]]:  # fmt: skip
    """(the rows left, the records they may see): matches outside the scope are dropped and their
    rows refused with one answer that reveals nothing of the record; rows that would take a
    unique value of another record (CLAIMED) are refused too."""
    ok = allowed(kind, ctx)
    mine: dict[str, dict[str, Any]] = {}
    foreign: list[str] = []
    taken: dict[str, list[str]] = {}  # column key -> row keys
    for key, rec in existing.items():
        if UNIT_PATH not in rec:
            raise KeyError(
                f"{kind.name}.existing must give each record its {UNIT_PATH!r} (see ingest/kinds.py)"
            )
        if not ok(rec[UNIT_PATH]):
            foreign.append(key)
        elif CLAIMED in rec:
            taken.setdefault(rec[CLAIMED], []).append(key)
        else:
            mine[key] = rec
    if not foreign and not taken:
        return valid, mine
    keys = valid[KEY]
    refused = pl.Series([False] * valid.height)
    if foreign:
        hit = keys.is_in(foreign)
        column = next((header_of[k] for k in kind.natural_key if k in header_of), "")
        problems.add_rows(
            valid.filter(hit)[ROW].to_list(), column, RECORD_OUT_OF_SCOPE, ERROR, RECORD_MESSAGE
        )
        refused = refused | hit
    for col, row_keys in taken.items():
        hit = keys.is_in(row_keys)
        problems.add_rows(
            valid.filter(hit)[ROW].to_list(), header_of.get(col, col), VALUE_TAKEN, ERROR, TAKEN_MESSAGE
        )
        refused = refused | hit
    return valid.filter(~refused), mine


__all__ = ["RECORD_OUT_OF_SCOPE", "TARGET_OUT_OF_SCOPE", "refuse_foreign_records", "refuse_foreign_targets"]
