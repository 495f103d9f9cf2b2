"""Reading statements: single fetch and the filtered, keyset-paged query.

The page is ordered by (stored, id) — newest first unless `ascending` — and the `more`
token carries the last (stored, id) seen plus the original filters, signed, so the next
page is stable whatever is written meanwhile.
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
    by voidedStatementId, and unvoided ones only by statementId."""
    try:
        row = (
            Statement.objects.filter(
                statement_id=statement_id,
                unit_path__gte=unit_path,
                unit_path__lt=path_upper_bound(unit_path) if unit_path else "~",
            )
            .only("data", "stored", "voided", "has_attachments")
            .first()
        )
    except Exception:  # noqa: BLE001 (an ill-formed id simply matches nothing)
        return None
    if row is None or row.voided != voided:
        return None
    return row


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

    params: list[Any] = []
    joins: list[str] = []
    where: list[str] = ["s.voided = %s"]
    params_where: list[Any] = [False]
    if keys:
        for i, (key, direct) in enumerate(keys):
            joins.append(
                f"JOIN lrs_statementkey k{i} ON k{i}.statement_id = s.id AND k{i}.key = %s"
                + (f" AND k{i}.direct = %s" if direct else "")
            )
            params.append(key)
            if direct:
                params.append(True)
        order_stored, order_id = "k0.stored", "k0.statement_id"
    else:
        order_stored, order_id = "s.stored", "s.id"
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
        stored_after = _db(dt.datetime.fromisoformat(q.after[0]))
        op = ">" if q.ascending else "<"
        where.append(f"({order_stored} {op} %s OR ({order_stored} = %s AND {order_id} {op} %s))")
        params_where += [stored_after, stored_after, q.after[1]]
    direction = "ASC" if q.ascending else "DESC"
    # Only fixed fragments are interpolated; every value is a query parameter.
    head = "SELECT s.id, s.stored, s.data, s.has_attachments FROM lrs_statement s "
    tail = f"ORDER BY {order_stored} {direction}, {order_id} {direction} LIMIT %s"
    sql = head + " ".join(joins) + " WHERE " + " AND ".join(where) + " " + tail
    with connection.cursor() as cur:
        cur.execute(sql, [*params, *params_where, limit + 1])
        rows = cur.fetchall()
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
