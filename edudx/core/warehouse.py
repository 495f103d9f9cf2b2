# ruff: noqa: S608 - SQL built from constants and checked identifiers; values are bound parameters
"""The analytics warehouse: append-only Parquet snapshots of the platform's big fact tables,
read with DuckDB ("DuckDB reading the database / Parquet snapshots", docs/architecture.md).

An app registers a `Dataset` (its name is also the DuckDB view name) whose `fetch(after_id,
limit)` returns the next rows, ordered by a monotonic integer `id`, as a polars DataFrame with
the declared schema. `refresh(name)` appends what is new as Parquet parts; `connect(*names)`
gives a DuckDB connection with one view per dataset over its current parts.

Refreshes may run from several processes at once, so they are serialised by a file lock and
published by replacing `manifest.json` atomically: a reader sees the old or the new set of
parts, never a half-written one. See docs/decisions/0007-analytics-warehouse-parquet-manifest.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import polars as pl
from django.conf import settings

from .locks import file_lock

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection

# A column's polars type, as a class (pl.String) or an instance (pl.Datetime("us")).
ColumnType: TypeAlias = pl.DataType | type[pl.DataType]
Schema: TypeAlias = dict[str, ColumnType]
# manifest.json: {"parts": [Part…], "rollups": {name: [Part…]}, "high_water": int, "refreshed_at": …}
Manifest: TypeAlias = dict[str, Any]
Part: TypeAlias = dict[str, Any]  # {"file", "first", "last", "rows", …}

MANIFEST = "manifest.json"
COMPACT_WHEN_PARTS = 24  # more parts than this → the small ones are merged
SMALL_PART_ROWS = 1_000_000
MERGED_PART_ROWS = 4_000_000  # a merge holds at most this many rows in memory (decision 0007)

_DUCK_TYPES: dict[type[pl.DataType], str] = {
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.String: "VARCHAR",
    pl.Date: "DATE",
    pl.UInt64: "UBIGINT",
}


@dataclass(frozen=True)
class Rollup:
    """A pre-aggregated companion of a dataset, built part by part as rows arrive, so that a
    dashboard reads thousands of rows, not millions. `sql` is a DuckDB SELECT giving rows in
    `schema`; it reads the view `new_part` (the rows just exported) and may read the view
    `<dataset>` (every part, the new one included — e.g. to find what a voiding statement
    voids). Queried as the view `<dataset>__<name>`."""

    name: str
    schema: Schema
    sql: str


@dataclass(frozen=True)
class Dataset:
    name: str
    schema: Schema  # first column: the monotonic integer "id"
    fetch: Callable[[int, int], pl.DataFrame]  # (after_id, limit) -> rows with id > after_id
    latest_id: Callable[[], int]  # the newest id in the database (0 when empty)
    description: str = ""
    rollups: tuple[Rollup, ...] = ()


_datasets: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    if not dataset.name.isidentifier():
        raise ValueError(f"dataset name must be an identifier: {dataset.name!r}")
    _datasets[dataset.name] = dataset
    return dataset


def get(name: str) -> Dataset:
    return _datasets[name]


def names() -> list[str]:
    return sorted(_datasets)


def root() -> Path:
    return Path(getattr(settings, "WAREHOUSE_DIR", settings.VAR_DIR / "warehouse"))


def directory(name: str) -> Path:
    return root() / name


# ----- manifest
def _read_manifest(name: str) -> Manifest:
    path = directory(name) / MANIFEST
    try:
        manifest: Manifest = json.loads(path.read_text())
        return manifest
    except FileNotFoundError:
        return {"parts": [], "rollups": {}, "high_water": 0, "refreshed_at": None}


def _write_manifest(name: str, manifest: Manifest) -> None:
    d = directory(name)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".manifest-", suffix=".json")
    with os.fdopen(fd, "w") as fh:
        json.dump(manifest, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, d / MANIFEST)


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    d = directory(name)
    d.mkdir(parents=True, exist_ok=True)
    with file_lock(d / ".lock"):
        yield


def _write_part(name: str, frame: pl.DataFrame, *, first: int | None = None, last: int | None = None,
                prefix: str = "part") -> Part:  # fmt: skip
    d = directory(name)
    if first is None or last is None:
        low, high = frame.select(pl.col("id").min(), pl.col("id").max().alias("high")).row(0)
        first, last = int(low), int(high)
    final = d / f"{prefix}-{first:015d}-{last:015d}.parquet"
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".part-", suffix=".parquet")
    os.close(fd)
    frame.write_parquet(tmp, compression="zstd", statistics=True)
    os.replace(tmp, final)
    return {"file": final.name, "first": first, "last": last, "rows": frame.height}


# ----- public
@dataclass
class Freshness:
    high_water: int  # the newest id in the warehouse
    latest: int  # the newest id in the database
    refreshed_at: float | None  # epoch seconds

    @property
    def up_to_date(self) -> bool:
        return self.high_water >= self.latest


def freshness(name: str) -> Freshness:
    manifest = _read_manifest(name)
    return Freshness(manifest["high_water"], get(name).latest_id(), manifest["refreshed_at"])


def refresh(name: str, *, batch_rows: int = 200_000, max_rows: int | None = None) -> int:
    """Append the rows the database holds beyond the warehouse's high-water mark; returns how
    many were appended. Stops after `max_rows` (None: everything)."""
    ds = get(name)
    appended = 0
    with _locked(name):
        manifest = _read_manifest(name)
        after = manifest["high_water"]
        while max_rows is None or appended < max_rows:
            limit = batch_rows if max_rows is None else min(batch_rows, max_rows - appended)
            frame = ds.fetch(after, limit)
            if frame.height == 0:
                break
            frame = frame.select([pl.col(c).cast(t) for c, t in ds.schema.items()])
            part = _write_part(name, frame)
            manifest["parts"].append(part)
            _append_rollups(ds, manifest, part)
            manifest["high_water"] = after = part["last"]
            appended += frame.height
            _write_manifest(name, manifest)  # each part is durable on its own
            if frame.height < limit:
                break
        manifest["refreshed_at"] = time.time()
        if len(manifest["parts"]) > COMPACT_WHEN_PARTS:
            manifest = _compact(name, manifest)
        for rollup in ds.rollups:
            if len(manifest.setdefault("rollups", {}).get(rollup.name, [])) > COMPACT_WHEN_PARTS:
                manifest = _compact_rollup(name, manifest, rollup)
        _write_manifest(name, manifest)
    return appended


def _append_rollups(ds: Dataset, manifest: Manifest, part: Part) -> None:
    if not ds.rollups:
        return
    d = directory(ds.name)
    con = _connect_manifest(ds, manifest, rollups=False)
    try:
        _view(con, "new_part", ds.schema, [d / part["file"]])
        for rollup in ds.rollups:
            fd, tmp = tempfile.mkstemp(dir=d, prefix=f".{rollup.name}-", suffix=".parquet")
            os.close(fd)
            cols = ", ".join(f'"{c}"::{_duck_type(t)} AS "{c}"' for c, t in rollup.schema.items())
            quoted = tmp.replace("'", "''")
            con.execute(
                f"COPY (SELECT {cols} FROM ({rollup.sql})) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)"
            )
            (rows,) = con.execute(f"SELECT count(*) FROM read_parquet('{quoted}')").fetchall()[0]
            if rows == 0:
                os.unlink(tmp)
                continue
            final = d / f"{rollup.name}-{part['first']:015d}-{part['last']:015d}.parquet"
            os.replace(tmp, final)
            entry = {"file": final.name, "first": part["first"], "last": part["last"], "rows": rows}
            manifest.setdefault("rollups", {}).setdefault(rollup.name, []).append(entry)
    finally:
        con.close()


def _compact_rollup(name: str, manifest: Manifest, rollup: Rollup) -> Manifest:
    d = directory(name)
    small = [p for p in manifest["rollups"][rollup.name] if p["rows"] < SMALL_PART_ROWS]
    for group in _groups(small):
        merged = pl.concat([pl.read_parquet(d / p["file"]) for p in group])
        first, last = min(p["first"] for p in group), max(p["last"] for p in group)
        part = _write_part(name, merged, first=first, last=last, prefix=rollup.name)
        keep = [p for p in manifest["rollups"][rollup.name] if p not in group]
        manifest = {**manifest, "rollups": {**manifest["rollups"], rollup.name: [*keep, part]}}
        _write_manifest(name, manifest)
        for p in group:
            (d / p["file"]).unlink(missing_ok=True)
    return manifest


def _groups(parts: list[Part]) -> list[list[Part]]:
    """Small parts in id order, in groups of at most MERGED_PART_ROWS rows: a compaction holds
    one group in memory, never the whole backlog of a first export."""
    groups: list[list[Part]] = [[]]
    rows = 0
    for p in sorted(parts, key=lambda p: p["first"]):
        if groups[-1] and rows + p["rows"] > MERGED_PART_ROWS:
            groups.append([])
            rows = 0
        groups[-1].append(p)
        rows += p["rows"]
    return [g for g in groups if len(g) > 1]


def _compact(name: str, manifest: Manifest) -> Manifest:
    d = directory(name)
    small = [p for p in manifest["parts"] if p["rows"] < SMALL_PART_ROWS]
    for group in _groups(small):
        merged = pl.concat([pl.read_parquet(d / p["file"]) for p in group]).sort("id")
        part = _write_part(name, merged)
        keep = [p for p in manifest["parts"] if p not in group]
        manifest = {**manifest, "parts": sorted([*keep, part], key=lambda p: p["first"])}
        _write_manifest(name, manifest)
        for p in group:
            (d / p["file"]).unlink(missing_ok=True)
    return manifest


def rebuild(name: str) -> int:
    """Drop the dataset's parts and export everything again (after a schema change)."""
    with _locked(name):
        d = directory(name)
        for p in d.glob("*.parquet"):
            p.unlink()
        _write_manifest(name, {"parts": [], "rollups": {}, "high_water": 0, "refreshed_at": None})
    return refresh(name)


def connect(*dataset_names: str) -> DuckDBPyConnection:
    """A DuckDB connection (in memory) with a view per dataset over its current parts, and a
    view `<dataset>__<rollup>` per rollup."""
    import duckdb

    con = duckdb.connect()
    for name in dataset_names:
        _add_views(con, get(name), _read_manifest(name))
    return con


def _connect_manifest(ds: Dataset, manifest: Manifest, *, rollups: bool = True) -> DuckDBPyConnection:
    import duckdb

    con = duckdb.connect()
    _add_views(con, ds, manifest, rollups=rollups)
    return con


def _add_views(con: DuckDBPyConnection, ds: Dataset, manifest: Manifest, *, rollups: bool = True) -> None:
    d = directory(ds.name)
    _view(con, ds.name, ds.schema, [d / p["file"] for p in manifest["parts"]])
    if rollups:
        for rollup in ds.rollups:
            files = [d / p["file"] for p in manifest.get("rollups", {}).get(rollup.name, [])]
            _view(con, f"{ds.name}__{rollup.name}", rollup.schema, files)


def _view(con: DuckDBPyConnection, view: str, schema: Schema, files: list[Path]) -> None:
    if files:
        listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet([{listed}])")
    else:
        cols = ", ".join(f'"{c}" {_duck_type(t)}' for c, t in schema.items())
        con.execute(f"CREATE TABLE {view} ({cols})")


def _duck_type(t: ColumnType) -> str:
    if isinstance(t, pl.Datetime) or t == pl.Datetime:
        return "TIMESTAMP"
    return _DUCK_TYPES[t if isinstance(t, type) else type(t)]


def path_condition(column: str, paths: tuple[str, ...] | None) -> tuple[str, list[str]]:
    """SQL (DuckDB) limiting `column` to the unit subtrees `paths` (None: everywhere)."""
    if paths is None:
        return "TRUE", []
    if not paths:
        return "FALSE", []
    return "(" + " OR ".join(f"starts_with({column}, ?)" for _ in paths) + ")", list(paths)
