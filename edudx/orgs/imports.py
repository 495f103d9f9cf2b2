"""The unit-tree import (`edudx import units FILE`, the web upload, the API): the department,
its wards, communes and special zones — any unit above the schools — from one sheet with the
columns Mã đơn vị, Tên đơn vị, Loại đơn vị, Mã đơn vị cấp trên.

Idempotent by code: a known code with the same name and parent is unchanged, a new name is a
rename and a new parent a move, each recorded in the unit's history (services.unit_tree_apply).
Codes never change and never change kind. Schools are units too but come in with the schools
file (they carry a registry profile); a unit file may not name one.

Scope (checked by the engine, ingest/engine/scope.py): a row writes into the unit it hangs
under — its parent, or for a new parent named in the same file, the nearest known unit above
it — and a known unit's row also needs the unit itself. A top-level unit (no parent) may only
be created by the department's administrators (holders of orgs.manage on every top-level
unit) or from the console.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.rules import ERROR
from edudx.core.text import fold
from edudx.ingest import kinds as K
from edudx.ingest.kinds import ROW

from . import permissions as perms
from . import selectors, services
from .models import UnitKind

# A unit tree holds a few hundred units (HCMC: the department and 168 wards, communes and
# special zones). Each unit is written through the one-row services, with its history entry:
# a file far past this is a wrong file (a pupil list): the rows past it are refused unread.
MAX_ROWS = 20_000
ERR = "__err"

_WORDS: dict[str, tuple[str, ...]] = {
    UnitKind.DEPARTMENT: ("so", "so gd dt", "so gddt", "so giao duc", "so giao duc va dao tao", "department",
                          "sgd", "sgddt"),
    UnitKind.WARD: ("phuong", "ward"),
    UnitKind.COMMUNE: ("xa", "commune"),
    UnitKind.SPECIAL_ZONE: ("dac khu", "special zone", "dk"),
    UnitKind.OFFICE: ("phong", "ban", "phong ban", "phong gd dt", "phong giao duc", "office", "division"),
    UnitKind.OTHER: ("khac", "don vi khac", "other"),
    UnitKind.SCHOOL: ("truong", "truong hoc", "school"),
}  # fmt: skip
_BY_WORD = {w: kind for kind, words in _WORDS.items() for w in words}
KIND_LABELS = ("Sở GD-ĐT", "Phường", "Xã", "Đặc khu", "Phòng/Ban", "Khác")


def unit_kind_code(value: str) -> str | None:
    """What people type in Loại đơn vị → a UnitKind code ("Sở GD-ĐT" → department, "Xã" →
    commune); the stored codes and English names are accepted too. None: unknown."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(value).replace("_", " ")).strip()
    if words in _BY_WORD:
        return _BY_WORD[words]
    if words.startswith(("so gd", "so giao duc")):
        return UnitKind.DEPARTMENT
    return None


# ----- the tree as the file will leave it
def _nodes(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    """The known units a chunk names (and every unit above the schools), fetched once per chunk
    by `locate`, which the engine calls first, and read again by `resolve`."""
    frame = frame.filter(pl.col(ROW) <= MAX_ROWS + 1)  # rows past the limit are refused unread
    codes = pl.concat([frame["code"], frame["parent_code"]]).drop_nulls().unique().to_list()
    nodes = selectors.tree_nodes(codes)
    ctx.cache["nodes"] = nodes
    return nodes


def _file_parents(frame: pl.DataFrame, ctx: K.Context) -> dict[str, str | None]:
    """{code: parent code} of the rows of this file: the accepted rows of earlier chunks, then
    this chunk's rows (the first row of a code wins; later ones are duplicates)."""
    out: dict[str, str | None] = dict(ctx.cache.get("seen", {}))
    for code, parent in frame.select("code", "parent_code").iter_rows():
        if code is not None and code not in out:
            out[code] = parent
    return out


def locate(frame: pl.DataFrame, ctx: K.Context) -> pl.Series:
    """The unit each row writes into: a known unit that keeps its parent, itself (a rename); a new
    or moved unit, the unit it goes under — for a parent new in this file, the nearest known
    unit above it. None: a new top-level unit, or a parent nobody knows (refused by resolve)."""
    nodes = _nodes(frame, ctx)
    parents = _file_parents(frame, ctx)

    def anchor(code: str | None) -> str | None:
        visited: set[str] = set()
        while code is not None and code not in visited:
            visited.add(code)
            node = nodes.get(code)
            if node is not None:
                return str(node["path"])
            code = parents.get(code)
        return None

    out: list[str | None] = []
    for code, parent in frame.select("code", "parent_code").iter_rows():
        node = nodes.get(code) if code is not None else None
        if node is not None and (parent is None or parent == node["parent_code"]):
            out.append(str(node["path"]))
        else:
            out.append(anchor(parent))
    return pl.Series(out, dtype=pl.String)


def _cycles(final_parent: dict[str, str | None]) -> set[str]:
    """Codes on a cycle of the final tree, or under one (each code visited once)."""
    state: dict[str, bool] = {}  # code -> is on or under a cycle
    for start in final_parent:
        path: list[str] = []
        where: dict[str, int] = {}
        code: str | None = start
        while code is not None and code not in state:
            if code in where:
                for c in path:
                    state[c] = True
                break
            where[code] = len(path)
            path.append(code)
            code = final_parent.get(code)
        else:
            bad = code is not None and state[code]
            for c in path:
                state[c] = bad
    return {c for c, bad in state.items() if bad}


def resolve(frame: pl.DataFrame, sink: K.Sink, ctx: K.Context) -> pl.DataFrame:
    """The tree's own rules, over the whole chunk at once: kinds, parents, cycles, top level."""
    nodes: dict[str, dict[str, Any]] = ctx.cache.get("nodes") or _nodes(frame, ctx)
    seen: dict[str, str | None] = ctx.cache.setdefault("seen", {})
    parents = _file_parents(frame, ctx)
    final_parent = {c: n["parent_code"] for c, n in nodes.items()} | parents
    cyclic = _cycles(final_parent)
    may_top = services.may_create_top_level(ctx.actor.scope)
    flagged: dict[tuple[str, str], list[int]] = {}
    messages = {
        "units_too_many": (
            _("A unit tree file holds at most %(max)s rows: this row and every row after it are refused.")
            % {"max": MAX_ROWS}
        ),
        "unit_is_school": _("This code belongs to a school: schools come in with the schools file."),
        "unit_kind_school": _("Schools come in with the schools file, not with the unit tree."),
        "unit_kind_mismatch": _("This code already belongs to a unit of another kind; a code never changes kind."),
        "parent_required": _("This unit hangs under another unit; an import cannot make it a top-level unit."),
        "top_level_not_allowed": _("Only the department's administrators may create a top-level unit."),
        "unit_cycle": _("With this parent the unit would sit under itself (a cycle in the tree)."),
        "parent_not_found": _("No unit has this parent code, in edudx or in this file."),
        "parent_is_school": _("A unit cannot sit under a school."),
        "parent_row_rejected": _("The parent of this unit is on a refused row of this file."),
    }  # fmt: skip

    def flag(row: int, column: str, code: str) -> None:
        flagged.setdefault((column, code), []).append(row)

    past = pl.col(ROW) > MAX_ROWS + 1
    if frame.select(past.any()).item():
        # One problem, on the first row past the limit; the rest are refused without one each
        # (a pupil list sent as units would otherwise fill the report with a million lines).
        if not ctx.cache.get("units_too_many"):
            ctx.cache["units_too_many"] = True
            flag(int(frame.filter(past)[ROW].min()), "code", "units_too_many")  # type: ignore[arg-type]
        frame = frame.with_columns((pl.col(ERR) | past).alias(ERR))
    rows = frame.filter(~past).select(ROW, "code", "kind", "parent_code", ERR).rows()
    for row, code, kind, parent, _err in rows:
        if code is None:
            continue
        node = nodes.get(code)
        if node is not None and node["kind"] == UnitKind.SCHOOL:
            flag(row, "code", "unit_is_school")
        elif kind == UnitKind.SCHOOL:
            flag(row, "kind", "unit_kind_school")
        elif node is not None and kind is not None and node["kind"] != kind:
            flag(row, "kind", "unit_kind_mismatch")
        if parent is None:
            if node is not None and node["parent_code"] is not None:
                flag(row, "parent_code", "parent_required")
            elif node is None and not may_top:
                flag(row, "parent_code", "top_level_not_allowed")
            continue
        pnode = nodes.get(parent)
        if code in cyclic:
            flag(row, "parent_code", "unit_cycle")
        elif pnode is None and parent not in parents:
            flag(row, "parent_code", "parent_not_found")
        elif pnode is not None and pnode["kind"] == UnitKind.SCHOOL:
            flag(row, "parent_code", "parent_is_school")
    bad_rows = {r for hits in flagged.values() for r in hits}
    # A new unit under a new parent whose row is refused has nowhere to go (partial mode).
    refused = {code for row, code, _k, _p, err in rows if code is not None and (err or row in bad_rows)}
    refused = {c for c in refused if c not in nodes}
    under_refused: dict[str, bool] = {}

    def hangs_on_refused(code: str) -> bool:
        chain: list[str] = []
        parent = parents.get(code)
        verdict = False
        while parent is not None and parent not in nodes and parent not in under_refused:
            if parent in refused:
                verdict = True
                break
            if parent in chain:
                break
            chain.append(parent)
            parent = parents.get(parent)
        else:
            verdict = bool(parent is not None and under_refused.get(parent))
        for c in chain:
            under_refused[c] = verdict
        return verdict

    for row, code, _k, parent, err in rows:
        if code is None or err or row in bad_rows or parent is None or parent in nodes:
            continue
        if hangs_on_refused(code):
            flag(row, "parent_code", "parent_row_rejected")
    for (column, code), hit in flagged.items():
        frame = sink.flag(frame, pl.col(ROW).is_in(hit), column, code, ERROR, messages[code])
    for code, parent, err in frame.select("code", "parent_code", ERR).iter_rows():
        if code is not None and not err and code not in seen:
            seen[code] = parent
    return frame


def existing(frame: pl.DataFrame, ctx: K.Context) -> dict[str, dict[str, Any]]:
    nodes = selectors.tree_nodes(frame["code"].drop_nulls().unique().to_list())
    codes = set(frame["code"].drop_nulls().to_list())
    return {
        f"code={c}": {
            "id": n["id"],
            "code": c,
            "name": n["name"],
            "kind": n["kind"],
            "parent_code": n["parent_code"],
            K.UNIT_PATH: n["path"],
        }  # fmt: skip
        for c, n in nodes.items()
        if c in codes
    }


def _unit_row(r: dict[str, Any]) -> services.UnitRow:
    return services.UnitRow(code=r["code"], name=r["name"], kind=r["kind"], parent_code=r.get("parent_code"))


def write(*, actor: Actor, new: pl.DataFrame, changed: list[K.Changed], ctx: K.Context) -> None:
    rows = new.to_dicts() if isinstance(new, pl.DataFrame) else list(new)
    services.unit_tree_apply(
        actor=actor, new=[_unit_row(r) for r in rows], changed=[_unit_row(r) for _pk, r, _c in changed]
    )


UNITS = K.register(
    K.Kind(
        name="units",
        label=_("Organisation units"),
        description=_(
            "The department and its wards, communes and special zones, with their official codes and parents."
        ),
        columns=(
            K.Column(
                "code",
                "Mã đơn vị",
                ("ma don vi", "ma dv", "unit code", "code"),
                required=True,
                not_blank=True,
                normaliser=K.CODE,
                help=_("The unit's official code; it never changes."),
                example="79P001",
            ),
            K.Column(
                "name",
                "Tên đơn vị",
                ("ten don vi", "ten dv", "unit name", "name"),
                required=True,
                not_blank=True,
                help=_("The unit's official name."),
                example="Phường Sài Gòn",
            ),
            K.Column(
                "kind",
                "Loại đơn vị",
                ("loai don vi", "loai", "unit kind", "kind"),
                required=True,
                not_blank=True,
                choices=unit_kind_code,
                choice_labels=KIND_LABELS,
                help=_("Sở GD-ĐT, Phường, Xã, Đặc khu, Phòng/Ban or Khác."),
                example="Phường",
            ),
            K.Column(
                "parent_code",
                "Mã đơn vị cấp trên",
                ("ma don vi cap tren", "ma cap tren", "don vi cap tren", "parent code", "parent"),
                required=True,
                normaliser=K.CODE,
                help=_("Code of the unit above (the department for a ward); empty for the department."),
                example="SGDDT79",
            ),
        ),  # fmt: skip
        natural_key=("code",),
        compared=("name", "parent_code"),
        resolve=resolve,
        existing=existing,
        write=write,
        change_permission=perms.MANAGE,
        locate=locate,
        locate_column="parent_code",
    )
)
