# ruff: noqa: S608 - SQL built from constants and checked identifiers; values are bound parameters
"""core.warehouse: Parquet parts appended under a manifest, compacted without double counting,
left consistent when an export fails midway, read through DuckDB views."""

from __future__ import annotations

import json

import polars as pl
import pytest

from edudx.core import warehouse

SCHEMA = {"id": pl.Int64, "unit_path": pl.String, "value": pl.Float64}


class Source:
    """A growing table the test appends to; fetch() may be told to fail once."""

    def __init__(self):
        self.rows: list[tuple[int, str, float]] = []
        self.fail_after: int | None = None

    def add(self, n: int, path: str = "0000001") -> None:
        start = len(self.rows)
        self.rows += [(start + i + 1, path, float(start + i)) for i in range(n)]

    def fetch(self, after: int, limit: int) -> pl.DataFrame:
        if self.fail_after is not None and after >= self.fail_after:
            raise OSError("database went away")
        picked = [r for r in self.rows if r[0] > after][:limit]
        return (
            pl.DataFrame(picked, schema=list(SCHEMA), orient="row") if picked else pl.DataFrame(schema=SCHEMA)
        )


@pytest.fixture
def source():
    src = Source()
    warehouse.register(
        warehouse.Dataset(name="test_facts", schema=SCHEMA, fetch=src.fetch, latest_id=lambda: len(src.rows))
    )
    return src


def total(name="test_facts"):
    con = warehouse.connect(name)
    try:
        return con.execute(
            f"SELECT count(*), count(DISTINCT id), coalesce(sum(value), 0) FROM {name}"
        ).fetchone()
    finally:
        con.close()


def test_empty_dataset_reads_as_an_empty_typed_table(source):
    assert total() == (0, 0, 0)
    assert not warehouse.freshness("test_facts").refreshed_at


def test_refresh_appends_only_what_is_new(source):
    source.add(250)
    assert warehouse.refresh("test_facts", batch_rows=100) == 250
    assert total() == (250, 250, sum(range(250)))
    assert warehouse.refresh("test_facts") == 0
    source.add(10)
    fresh = warehouse.freshness("test_facts")
    assert (fresh.high_water, fresh.latest, fresh.up_to_date) == (250, 260, False)
    assert warehouse.refresh("test_facts") == 10
    assert total()[0] == 260 and warehouse.freshness("test_facts").up_to_date


def test_compaction_merges_small_parts_without_counting_twice(source, monkeypatch):
    monkeypatch.setattr(warehouse, "COMPACT_WHEN_PARTS", 3)
    for _ in range(5):
        source.add(7)
        warehouse.refresh("test_facts")
    manifest = json.loads((warehouse.directory("test_facts") / warehouse.MANIFEST).read_text())
    assert len(manifest["parts"]) <= 3
    assert total() == (35, 35, sum(range(35)))
    on_disk = sorted(p.name for p in warehouse.directory("test_facts").glob("*.parquet"))
    assert on_disk == sorted(p["file"] for p in manifest["parts"])  # old parts removed


def test_an_export_failing_midway_keeps_the_parts_already_written(source):
    source.add(300)
    source.fail_after = 100
    with pytest.raises(OSError):
        warehouse.refresh("test_facts", batch_rows=100)
    assert total() == (100, 100, sum(range(100)))  # the first part, whole; nothing half-written
    source.fail_after = None
    assert warehouse.refresh("test_facts", batch_rows=100) == 200
    assert total() == (300, 300, sum(range(300)))


def test_rebuild_exports_everything_again(source):
    source.add(40)
    warehouse.refresh("test_facts")
    assert warehouse.rebuild("test_facts") == 40
    assert total() == (40, 40, sum(range(40)))


def test_path_condition_limits_to_subtrees():
    assert warehouse.path_condition("p", None) == ("TRUE", [])
    assert warehouse.path_condition("p", ()) == ("FALSE", [])
    sql, params = warehouse.path_condition("p", ("0000001", "0000002"))
    assert sql == "(starts_with(p, ?) OR starts_with(p, ?))" and params == ["0000001", "0000002"]


def test_dataset_names_must_be_identifiers():
    with pytest.raises(ValueError):
        warehouse.register(
            warehouse.Dataset(name="x; DROP", schema=SCHEMA, fetch=lambda a, b: None, latest_id=lambda: 0)
        )


def test_rollups_are_built_per_part_and_survive_compaction(monkeypatch):
    src = Source()
    rollup = warehouse.Rollup(
        name="by_path",
        schema={"unit_path": pl.String, "n": pl.Int64, "total": pl.Float64},
        # a rollup may read every part (here: to prove the new part is visible in the view)
        sql="SELECT unit_path, count(*) AS n, sum(value) AS total FROM new_part "
        "WHERE id <= (SELECT max(id) FROM test_rolled) GROUP BY unit_path",
    )
    warehouse.register(
        warehouse.Dataset(
            name="test_rolled",
            schema=SCHEMA,
            fetch=src.fetch,
            latest_id=lambda: len(src.rows),
            rollups=(rollup,),
        )
    )
    monkeypatch.setattr(warehouse, "COMPACT_WHEN_PARTS", 2)
    for i in range(4):
        src.add(10, path=f"000000{i % 2 + 1}")
        warehouse.refresh("test_rolled")
    con = warehouse.connect("test_rolled")
    try:
        got = con.execute(
            "SELECT unit_path, sum(n), sum(total) FROM test_rolled__by_path GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert got == [("0000001", 20, float(sum(range(0, 10)) + sum(range(20, 30)))),
                   ("0000002", 20, float(sum(range(10, 20)) + sum(range(30, 40))))]  # fmt: skip
    manifest = json.loads((warehouse.directory("test_rolled") / warehouse.MANIFEST).read_text())
    assert len(manifest["rollups"]["by_path"]) <= 2


def test_compaction_holds_one_bounded_group_in_memory_at_a_time(source, monkeypatch):
    monkeypatch.setattr(warehouse, "COMPACT_WHEN_PARTS", 3)
    monkeypatch.setattr(warehouse, "MERGED_PART_ROWS", 25)
    source.add(100)
    warehouse.refresh("test_facts", batch_rows=10)  # ten parts of ten rows: a first export
    manifest = json.loads((warehouse.directory("test_facts") / warehouse.MANIFEST).read_text())
    assert all(p["rows"] <= 25 for p in manifest["parts"])  # merged in groups, not all at once
    assert len(manifest["parts"]) < 10
    assert total() == (100, 100, sum(range(100)))
