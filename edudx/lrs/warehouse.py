# ruff: noqa: S608 - SQL built from constants and checked identifiers; values are bound parameters
"""The LRS's dataset in the analytics warehouse (core.warehouse): one row per stored statement,
voiding statements included (the dashboard anti-joins on `voids`), with the course the
statement belongs to — the first `grouping` context activity, else the first `parent` —
taken from the statement JSON by the database itself while exporting."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.conf import settings
from django.db import connection
from django.utils import timezone

from edudx.core import warehouse

from .models import Statement

NAME = "lrs_statements"

SCHEMA: warehouse.Schema = {
    "id": pl.Int64,
    "statement_id": pl.String,  # 32 hex digits, no dashes
    "voids": pl.String,
    "stored": pl.Datetime("us"),  # UTC
    "timestamp": pl.Datetime("us"),
    "unit_path": pl.String,
    "actor_key": pl.String,
    "verb_iri": pl.String,
    "object_iri": pl.String,
    "course_iri": pl.String,
    "completion": pl.Boolean,
    "success": pl.Boolean,
    "score_scaled": pl.Float64,
}


def _sql() -> str:
    table = Statement._meta.db_table
    if connection.vendor == "postgresql":
        course = (
            "coalesce(data::jsonb #>> '{context,contextActivities,grouping,0,id}', "
            "data::jsonb #>> '{context,contextActivities,parent,0,id}')"
        )
        ids = "replace(statement_id::text, '-', ''), replace(voids::text, '-', '')"
    else:
        course = (
            "coalesce(json_extract(data, '$.context.contextActivities.grouping[0].id'), "
            "json_extract(data, '$.context.contextActivities.parent[0].id'))"
        )
        ids = "replace(statement_id, '-', ''), replace(voids, '-', '')"
    return (
        f"SELECT id, {ids}, stored, timestamp, unit_path, actor_key, verb_iri, object_iri, {course}, "
        f"completion, success, score_scaled FROM {table} WHERE id > %s ORDER BY id LIMIT %s"
    )


def fetch(after_id: int, limit: int) -> pl.DataFrame:
    with connection.cursor() as cur:
        cur.execute(_sql(), [after_id, limit])
        rows = cur.fetchall()
    names = list(SCHEMA)
    if not rows:
        return pl.DataFrame(schema=SCHEMA)
    frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    fixes = []
    for col in ("stored", "timestamp"):
        dtype = frame.schema[col]
        if dtype == pl.String:  # SQLite: Django writes UTC as text
            fixes.append(pl.col(col).str.to_datetime(time_unit="us", strict=True).alias(col))
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:  # PostgreSQL
            fixes.append(pl.col(col).dt.convert_time_zone("UTC").dt.replace_time_zone(None).alias(col))
    for col in ("completion", "success"):  # SQLite gives 0/1
        if frame.schema[col] != pl.Boolean:
            fixes.append(pl.col(col).cast(pl.Boolean).alias(col))
    frame = frame.with_columns(fixes) if fixes else frame
    return _settled(frame)


def _settled(frame: pl.DataFrame) -> pl.DataFrame:
    """On PostgreSQL ids come from a sequence and transactions may commit out of id order: a
    row with a lower id can appear after a higher one was exported, and would be missed. So
    the export stops at the first row stored less than WAREHOUSE_SETTLE_SECONDS ago (writes
    last milliseconds). SQLite serialises writers, so ids commit in order there."""
    seconds = getattr(settings, "WAREHOUSE_SETTLE_SECONDS", 10)
    if connection.vendor != "postgresql" or not seconds or frame.height == 0:
        return frame
    cutoff = (timezone.now() - dt.timedelta(seconds=seconds)).astimezone(dt.UTC).replace(tzinfo=None)
    fresh = frame["stored"] >= cutoff
    if not fresh.any():
        return frame
    return frame.head(int(fresh.arg_true()[0]))


def latest_id() -> int:
    last = Statement.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COMPLETED = ("http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed")

# The rows a new part adds (+1) and takes away (-1): its statements that nothing voids, and
# the statements of earlier parts that its voiding statements void (once, even if voided
# twice). A statement voided before it arrives is simply never added. A voiding statement
# voids only in its own unit's subtree (`starts_with(statement's unit, voider's unit)`), as
# the LRS does: another school's voider naming the id changes nothing here either.
_SIGNED = f"""
WITH all_voids AS (SELECT DISTINCT voids, unit_path AS by_path FROM {NAME} WHERE voids IS NOT NULL),
voided_before AS (
    SELECT DISTINCT voids, unit_path AS by_path FROM {NAME}
    WHERE voids IS NOT NULL AND id < (SELECT min(id) FROM new_part)
),
plus AS (
    SELECT n.* FROM new_part n
    ANTI JOIN all_voids v ON n.statement_id = v.voids AND starts_with(n.unit_path, v.by_path)
    WHERE n.verb_iri <> '{VOIDED}'
),
minus AS (
    SELECT s.* FROM {NAME} s
    SEMI JOIN (SELECT DISTINCT voids, unit_path AS by_path FROM new_part WHERE voids IS NOT NULL) t
        ON s.statement_id = t.voids AND starts_with(s.unit_path, t.by_path)
    ANTI JOIN voided_before b ON s.statement_id = b.voids AND starts_with(s.unit_path, b.by_path)
    WHERE s.id < (SELECT min(id) FROM new_part) AND s.verb_iri <> '{VOIDED}'
)
SELECT *, 1 AS sign FROM plus UNION ALL SELECT *, -1 AS sign FROM minus
"""
_DONE = "coalesce(completion, false) OR verb_iri IN (" + ", ".join(f"'{v}'" for v in COMPLETED) + ")"

LEARNERS = warehouse.Rollup(
    name="daily_learners",
    schema={
        "day": pl.Date,
        "unit_path": pl.String,
        "course_iri": pl.String,
        "actor_hash": pl.UInt64,
        "statements": pl.Int64,
        "completions": pl.Int64,
        "score_sum": pl.Float64,
        "score_n": pl.Int64,
    },
    sql=f"""
SELECT CAST(timestamp AS DATE) AS day, unit_path, course_iri, hash(actor_key) AS actor_hash,
       sum(sign) AS statements,
       sum(CASE WHEN {_DONE} THEN sign ELSE 0 END) AS completions,
       sum(sign * score_scaled) AS score_sum,
       sum(CASE WHEN score_scaled IS NOT NULL THEN sign ELSE 0 END) AS score_n
FROM ({_SIGNED}) GROUP BY ALL
""",
)

ACTIVITIES = warehouse.Rollup(
    name="daily_activities",
    schema={"day": pl.Date, "unit_path": pl.String, "object_iri": pl.String, "statements": pl.Int64},
    sql=f"""
SELECT CAST(timestamp AS DATE) AS day, unit_path, object_iri, sum(sign) AS statements
FROM ({_SIGNED}) WHERE object_iri <> '' GROUP BY ALL
""",
)

DATASET = warehouse.register(
    warehouse.Dataset(
        name=NAME,
        schema=SCHEMA,
        fetch=fetch,
        latest_id=latest_id,
        description="xAPI statements (voiding statements included), one row each",
        rollups=(LEARNERS, ACTIVITIES),
    )
)
