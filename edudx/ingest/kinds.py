"""The Kind contract: what a module declares so the ingest engine can take its files in.

A kind is declared once, in its own app's `imports.py` (found at start-up by
core.autodiscover), and registered with `register()`. The engine does the rest: reading,
header mapping, normalisation, validation, preview, commit and the report. See README.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import polars as pl

from edudx.core.actor import Actor

# Built-in normalisers (engine/normalise.py): each is vectorised over a polars column.
TEXT = "text"  # tidy spaces, NFC, legacy-font repair
NAME = "name"  # TEXT + capitalised words
CODE = "code"  # identifiers: no spaces, no trailing ".0" from numeric cells, upper case
DATE = "date"  # dd/mm/yyyy, d/m/yyyy, ISO, Excel serial → pl.Date
PERSONAL_ID = "personal_id"  # 12 digits, leading zeros restored
PHONE = "phone"  # 0xxxxxxxxx
SCHOOL_YEAR = "school_year"  # 2025-2026
CLASS_NAME = "class_name"  # "6a1" → "6A1"
INTEGER = "integer"

# Columns the engine adds to every frame a kind's steps receive: the row's number in the file
# (what a problem names) and its natural-key value (what `existing()` is keyed by).
ROW = "__row"
KEY = "__key"

# Scope (checked by the engine, engine/scope.py, never by a kind):
# every record `existing()` returns holds UNIT_PATH, the path of the unit that owns it;
# `locate()` gives, for every row, the path of the unit the row writes into.
UNIT_PATH = "__unit_path"
TARGET_PATH = "__target_path"
# A record `existing()` gives under a row's key not because the row identifies it but because
# the row would take one of its unique values (e.g. a matched pupil's new personal ID that
# another pupil holds): {"id", UNIT_PATH, CLAIMED: column key} and nothing else. The engine
# refuses the row: record_out_of_scope if that record is outside the scope (the same answer
# as a match), value_taken otherwise.
CLAIMED = "__claimed"
# A row `existing()` cannot match without guessing (e.g. its fallback key names two records):
# {REFUSED: (column key, code, message)} under the row's key, and nothing else. The engine
# refuses the row with that error before the scope check and the preview.
REFUSED = "__refused"


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # Vietnamese header as in the template (lazy text is fine)
    aliases: tuple[str, ...] = ()  # other headers: no accents, English, sector-export names
    required: bool = False  # the column must be present in the file
    not_blank: bool = False  # every row must have a value
    normaliser: str = TEXT
    # Enumerations: a function mapping what people type to a stored code (None = unknown),
    # with the labels offered in the template's dropdown.
    choices: Callable[[str], str | None] | None = None
    choice_labels: tuple[str, ...] = ()
    help: Any = ""  # one line for the template's explanation sheet
    example: str = ""


@dataclass
class Context:
    """What rules and writers need besides the rows: who, and shared bulk lookups."""

    actor: Actor
    kind: Kind
    cache: dict[str, Any] = field(default_factory=dict)


# ----- The callbacks a kind declares, each typed once here (the engine calls them so).
# A record as `existing()` gives it, or a row as the engine hands it to `write`: field -> value.
Record: TypeAlias = dict[str, Any]
# A matched row that differs from its record: (record id, the row, {field: [stored, new]}).
Changed: TypeAlias = tuple[Any, Record, dict[str, list[Any]]]
# rule(frame, sink, ctx) -> frame and resolve(frame, sink, ctx) -> frame: a chunk in, the same
# rows out (columns may be added), problems flagged through the sink (engine/normalise.py).
Rule: TypeAlias = Callable[[pl.DataFrame, "Sink", Context], pl.DataFrame]
# locate(frame, ctx) -> one unit path per row (None where the row names no known unit).
Locate: TypeAlias = Callable[[pl.DataFrame, Context], pl.Series]
# existing(frame, ctx) -> {natural key value: record}, fetched in bulk (one query per chunk).
Existing: TypeAlias = Callable[[pl.DataFrame, Context], dict[str, Record]]
# bulk_load(size_bytes) -> a context manager wrapped around the commit of a big file.
BulkLoad: TypeAlias = Callable[[int], AbstractContextManager[object]]
# reader(path, format, chunk_rows) -> a Table (engine/read/common.py) for a layout of the kind's
# own (e.g. one sheet per class × subject), or None: the engine's reader (first visible sheet).
Reader: TypeAlias = Callable[[Path, str, int], "Table | None"]


class Write(Protocol):
    """write(actor=…, new=frame of new rows, changed=[Changed…], ctx=…): called by keyword."""

    def __call__(self, *, actor: Actor, new: pl.DataFrame, changed: list[Changed], ctx: Context) -> None: ...


def _no_locate(frame: pl.DataFrame, ctx: Context) -> pl.Series:
    raise NotImplementedError("register() refuses a kind without locate")


@dataclass(frozen=True)
class Kind:
    name: str  # "students": what `edudx import students FILE` says
    label: Any
    columns: tuple[Column, ...]
    # Natural keys in order of preference: the first non-empty one identifies a record.
    natural_key: tuple[str, ...]
    # Fields compared with the stored record to tell new / changed / unchanged.
    compared: tuple[str, ...]
    # Vectorised row rules, in order (see engine/validate.py for the sink).
    rules: tuple[Rule, ...] = ()
    # Bulk lookups of references (schools, classes…), adding columns such as `school_id`.
    resolve: Rule | None = None
    # Stored records under the rows' natural keys; each holds UNIT_PATH, the path of its unit.
    existing: Existing | None = None
    write: Write | None = None
    # Wrapped around the commit of a file larger than INGEST_BULK_LOAD_BYTES (e.g. defer index
    # upkeep when the load is big next to the table).
    bulk_load: BulkLoad | None = None
    # Rows per short commit (engine/commit.py) for this kind; 0 = INGEST_COMMIT_ROWS. A kind whose
    # write has a fixed cost per call (recomputing per class) takes bigger commits.
    commit_rows: int = 0
    permission: str = "ingest.run"
    description: Any = ""
    # Scope, enforced by the engine for every kind alike (engine/scope.py):
    # change_permission — what the actor needs (beside `permission`) on the unit of every record
    # a row matches and of every unit a row writes into;
    # locate — where each row writes. Rows writing outside the scope are refused before
    # `resolve` runs; matched records outside it are refused before the preview sees them.
    # Required: register() refuses a kind that keeps the default.
    change_permission: str = ""
    locate: Locate = _no_locate
    locate_column: str = "school_code"  # the column named by a refusal of the target
    # A layout the engine's reader does not know (several sheets, header rows naming values):
    # tried first; None from it = the engine's reader. It hands on text cells under the kind's
    # own headers, so mapping, checks, preview and commit are the engine's as for any file.
    reader: Reader | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def required_keys(self) -> list[str]:
        return [c.key for c in self.columns if c.required]


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if not kind.change_permission or not callable(kind.locate) or kind.locate is _no_locate:
        raise ValueError(
            f"import kind {kind.name!r} must declare change_permission and locate: the engine checks the "
            "scope of every record a row matches and of every unit a row writes into"
        )
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    return _KINDS[name]


def all_kinds() -> Sequence[Kind]:
    return list(_KINDS.values())


# ----- Rule helpers a kind reuses in its `rules` (each flags rows through the sink it is given):
# SharedValue (one personal ID, one person per file), person_rules, age_vs_grade — ingest/people.py.
from .engine.headers import compact as header_key  # noqa: E402
from .engine.normalise import Sink  # noqa: E402  (the engine's modules read ROW and Kind from here)
from .engine.problems import ERROR, WARNING, FileRejected, Problem  # noqa: E402
from .engine.read.common import TEMPLATE_SHEETS, Table  # noqa: E402
from .engine.receive import XLSX  # noqa: E402
from .people import SharedValue, age_vs_grade, person_rules  # noqa: E402

__all__ = [
    "ERROR", "WARNING", "FileRejected", "Problem", "Reader", "Table", "TEMPLATE_SHEETS", "XLSX", "header_key", "BulkLoad", "Changed", "CLAIMED", "CODE", "Existing", "Locate", "Record", "Rule", "Write", "DATE", "INTEGER", "KEY", "NAME", "PERSONAL_ID", "PHONE", "ROW", "SCHOOL_YEAR", "TARGET_PATH",
    "TEXT", "UNIT_PATH", "CLASS_NAME", "Column", "Context", "Kind", "SharedValue", "Sink", "age_vs_grade", "all_kinds", "get",
    "person_rules", "register", "REFUSED",
]  # fmt: skip
