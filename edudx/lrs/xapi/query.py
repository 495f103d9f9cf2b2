"""Reading statements: single fetch and the filtered, keyset-paged query.

The page is ordered by (stored, id) — newest first unless `ascending` — and the `more`
token carries the last (stored, id) seen plus the original filters, signed, so the next
page is stable whatever is written meanwhile. Every read is confined to the credential's
unit subtree (`unit_path`): a statement outside it is one the LRS does not have.

How a page is read (each an index range from the keyset position, whatever the depth):
- filtered (agent, verb, activity, registration): the key index `(key, stored, statement)`;
- unfiltered, a subtree holding few unit paths (a school): one range of
  `lrs_stmt_unit_feed (unit_path, stored desc, id desc, voided)` per unit path, merged;
- unfiltered, a subtree holding the whole store (the department): `lrs_stmt_stored` with
  no unit condition at all;
- unfiltered, a wide subtree that is not the whole store: `lrs_stmt_stored`, the unit
  test made on each row (kept out of the index's reach, so no plan sorts the subtree).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.db import connection

from edudx.core.scope import path_upper_bound

from ..models import Statement
from .errors import XapiError
from .keys import ifi_key, key_hash

MORE_SALT = "edudx.lrs.more"


@dataclass
class StatementQuery:
    unit_path: str
    agent: dict[str, Any] | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 0
    ascending: bool = False
    after: tuple[str, int] | None = None  # (stored iso, pk) of the last row already served
    extra: dict[str, Any] = field(default_factory=dict)  # format, attachments: carried by `more`


def get_one(*, unit_path: str, statement_id: str, voided: bool) -> Statement | None:
    """The statement by id in the credential's subtree; voided ones only when asked for
    by voidedStatementId, and unvoided ones only by statementId. (A subtree holds two rows of
    one id only when a client reused an id another unit had used: the first stored of the
    asked kind is served.)"""
    try:
        row = (
            Statement.objects.filter(
                statement_id=statement_id,
                unit_path__gte=unit_path,
                unit_path__lt=path_upper_bound(unit_path) if unit_path else "~",
                voided=voided,
            )
            .only("data", "stored", "voided", "has_attachments")
            .order_by("id")
            .first()
        )
    except Exception:  # noqa: BLE001 (an ill-formed id simply matches nothing)
        return None
    if row is None or row.voided != voided:
        return None
    return row


# A subtree whose statements carry at most this many unit paths reads its unfiltered feed
# one unit at a time (K ordered ranges of at most limit+1 index entries, merged); a wider
# one walks the stored-order index, which costs about limit / (its share of the store).
UNIT_FANOUT = 32

_UNIT_PATHS = """
WITH RECURSIVE u(p, n) AS (
    SELECT (SELECT MIN(unit_path) FROM lrs_statement WHERE unit_path >= %s AND unit_path < %s), 1
    UNION ALL
    SELECT (SELECT MIN(s.unit_path) FROM lrs_statement s WHERE s.unit_path > u.p AND s.unit_path < %s),
           u.n + 1
    FROM u WHERE u.p IS NOT NULL AND u.n <= %s
)
SELECT p FROM u WHERE p IS NOT NULL
"""


def unit_paths_in(unit_path: str, most: int) -> list[str] | None:
    """The distinct unit paths of the statements in the subtree, by a loose index scan (one
    probe of `lrs_stmt_unit_feed` per path, however many statements each holds); None when
    there are more than `most`."""
    upper = path_upper_bound(unit_path)
    with connection.cursor() as cur:
        cur.execute(_UNIT_PATHS, [unit_path, upper, upper, most])
        paths = [p for (p,) in cur.fetchall()]
    return None if len(paths) > most else paths


def holds_whole_store(unit_path: str) -> bool:
    """Whether every stored statement lies in the subtree (two index probes)."""
    if not unit_path:
        return True
    with connection.cursor() as cur:
        # Two subqueries: SQLite reads a lone MIN or MAX from the index's end, both at once
        # by scanning it.
        cur.execute(
            "SELECT (SELECT MIN(unit_path) FROM lrs_statement), (SELECT MAX(unit_path) FROM lrs_statement)"
        )
        lo, hi = cur.fetchone()
    return lo is None or (lo >= unit_path and hi < path_upper_bound(unit_path))


def _db(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _py(value: Any) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def run(q: StatementQuery, *, max_limit: int) -> tuple[list[tuple[int, dt.datetime, str, bool]], str | None]:
    limit = max_limit if q.limit <= 0 else min(q.limit, max_limit)
    keys: list[tuple[int, bool]] = []
    if q.agent is not None:
        ifi = ifi_key(q.agent)
        if ifi is None:
            raise XapiError(400, "agent must be identified by one inverse functional identifier")
        keys.append((key_hash("agent", ifi), not q.related_agents))
    if q.activity is not None:
        keys.append((key_hash("activity", q.activity), not q.related_activities))
    if q.verb is not None:
        keys.append((key_hash("verb", q.verb), True))
    if q.registration is not None:
        keys.append((key_hash("registration", q.registration.lower()), True))

    if not keys:
        return _feed(q, limit)
    params: list[Any] = []
    joins: list[str] = []
    where: list[str] = ["s.voided = %s"]
    params_where: list[Any] = [False]
    for i, (key, direct) in enumerate(keys):
        joins.append(
            f"JOIN lrs_statementkey k{i} ON k{i}.statement_id = s.id AND k{i}.key = %s"
            + (f" AND k{i}.direct = %s" if direct else "")
        )
        params.append(key)
        if direct:
            params.append(True)
    order_stored, order_id = "k0.stored", "k0.statement_id"
    if q.unit_path:
        where.append("s.unit_path >= %s AND s.unit_path < %s")
        params_where += [q.unit_path, path_upper_bound(q.unit_path)]
    if q.since is not None:
        where.append(f"{order_stored} > %s")
        params_where.append(_db(q.since))
    if q.until is not None:
        where.append(f"{order_stored} <= %s")
        params_where.append(_db(q.until))
    if q.after is not None:
        cond, values = _after(q, order_stored, order_id)
        where.append(cond)
        params_where += values
    direction = "ASC" if q.ascending else "DESC"
    # Only fixed fragments are interpolated; every value is a query parameter.
    head = "SELECT s.id, s.stored, s.data, s.has_attachments FROM lrs_statement s "
    tail = f"ORDER BY {order_stored} {direction}, {order_id} {direction} LIMIT %s"
    sql = head + " ".join(joins) + " WHERE " + " AND ".join(where) + " " + tail
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *params_where, limit + 1])
        rows = cur.fetchall()
    return _page(q, rows, limit)


def _after(q: StatementQuery, stored_col: str, id_col: str) -> tuple[str, list[Any]]:
    """The keyset condition "after the last row served". The plain `stored <= x` term is
    what lets an index seek to the position (an OR alone is read as a filter, so a deep page
    would scan every newer entry); the OR then only settles ties on `stored`."""
    if q.after is None:
        raise ValueError("_after is called for a page after the first only")
    stored, last_id = q.after
    stored_after = _db(dt.datetime.fromisoformat(stored))
    op = ">" if q.ascending else "<"
    return (
        f"{stored_col} {op}= %s AND ({stored_col} {op} %s OR {id_col} {op} %s)",
        [stored_after, stored_after, last_id],
    )


def _feed(q: StatementQuery, limit: int) -> tuple[list[tuple[int, dt.datetime, str, bool]], str | None]:
    """The unfiltered page: see the module's docstring for the three ways it is read."""
    direction = "ASC" if q.ascending else "DESC"
    paths = unit_paths_in(q.unit_path, UNIT_FANOUT) if q.unit_path else None

    def conditions(prefix: str) -> tuple[list[str], list[Any]]:
        where, values = [f"{prefix}voided = %s"], [False]
        if q.since is not None:
            where.append(f"{prefix}stored > %s")
            values.append(_db(q.since))
        if q.until is not None:
            where.append(f"{prefix}stored <= %s")
            values.append(_db(q.until))
        if q.after is not None:
            cond, more_values = _after(q, f"{prefix}stored", f"{prefix}id")
            where.append(cond)
            values += more_values
        return where, values

    order = f"ORDER BY stored {direction}, id {direction}"
    if paths is not None:
        if not paths:
            return [], None
        # Only fixed fragments are interpolated; every value is a query parameter.
        where, values = conditions("")
        parts, params = [], []
        for i, path in enumerate(paths):
            parts.append(
                "SELECT id, stored FROM (SELECT id, stored FROM lrs_statement WHERE unit_path = %s AND "  # noqa: S608
                + " AND ".join(where)
                + f" {order} LIMIT %s) u{i}"
            )
            params += [path, *values, limit + 1]
        sql = (
            "SELECT s.id, s.stored, s.data, s.has_attachments FROM (SELECT id, stored FROM ("  # noqa: S608
            + " UNION ALL ".join(parts)
            + f") m {order} LIMIT %s) page JOIN lrs_statement s ON s.id = page.id"
            f" ORDER BY page.stored {direction}, page.id {direction}"
        )
        params.append(limit + 1)
    else:
        where, params = conditions("s.")
        if not holds_whole_store(q.unit_path):
            # `|| ''` keeps the unit index out of the plan: walking the stored order and
            # testing each row beats sorting every statement of a wide subtree.
            where.append("s.unit_path || '' >= %s AND s.unit_path || '' < %s")
            params += [q.unit_path, path_upper_bound(q.unit_path)]
        sql = (
            "SELECT s.id, s.stored, s.data, s.has_attachments FROM lrs_statement s WHERE "  # noqa: S608
            + " AND ".join(where)
            + f" ORDER BY s.stored {direction}, s.id {direction} LIMIT %s"
        )
        params.append(limit + 1)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    return _page(q, rows, limit)


def _page(
    q: StatementQuery, rows: list[tuple], limit: int
) -> tuple[list[tuple[int, dt.datetime, str, bool]], str | None]:
    more = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        more = make_more(q, _py(last[1]), last[0])
    out = []
    for pk, stored, data, has_att in rows:
        out.append((pk, _py(stored), data, bool(has_att)))
    return out, more


def make_more(q: StatementQuery, stored: dt.datetime, pk: int) -> str:
    payload = {
        "u": q.unit_path,
        "ag": q.agent,
        "v": q.verb,
        "ac": q.activity,
        "r": q.registration,
        "ra": q.related_activities,
        "rg": q.related_agents,
        "si": q.since.isoformat() if q.since else None,
        "un": q.until.isoformat() if q.until else None,
        "l": q.limit,
        "as": q.ascending,
        "x": q.extra,
        "af": [stored.isoformat(), pk],
    }
    return signing.dumps(payload, salt=MORE_SALT, compress=True)


def parse_more(token: str, unit_path: str) -> StatementQuery:
    try:
        p = signing.loads(token, salt=MORE_SALT)
    except signing.BadSignature as exc:
        raise XapiError(400, "the more token is not valid") from exc
    if p["u"] != unit_path:
        raise XapiError(400, "the more token belongs to another credential scope")
    return StatementQuery(
        unit_path=p["u"],
        agent=p["ag"],
        verb=p["v"],
        activity=p["ac"],
        registration=p["r"],
        related_activities=p["ra"],
        related_agents=p["rg"],
        since=dt.datetime.fromisoformat(p["si"]) if p["si"] else None,
        until=dt.datetime.fromisoformat(p["un"]) if p["un"] else None,
        limit=p["l"],
        ascending=p["as"],
        after=(p["af"][0], p["af"][1]),
        extra=p["x"],
    )


def loads(data: str) -> dict[str, Any]:
    return json.loads(data)
