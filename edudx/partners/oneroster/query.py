"""The list parameters of OneRoster 1.2: limit, offset, sort, orderBy, filter, fields.

filter: `field op 'value'` predicates joined by one logical operator (AND or OR), ops
= != > >= < <= ~ (contains). A field the collection cannot filter on is `invalid_filter_field`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime

from .errors import bad

PREDICATE = re.compile(
    r"^\s*(?P<field>[A-Za-z][A-Za-z0-9.]*)\s*(?P<op>!=|>=|<=|=|>|<|~)\s*'(?P<value>[^']*)'\s*$"
)
LOGICAL = re.compile(r"\s+(AND|OR)\s+(?=(?:[^']*'[^']*')*[^']*$)")
DEFAULT_LIMIT = 100


@dataclass(frozen=True)
class Predicate:
    field: str
    op: str
    value: str


@dataclass
class ListQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    sort: str = ""
    descending: bool = False
    predicates: list[Predicate] = field(default_factory=list)
    logical: str = "AND"
    fields: list[str] | None = None


def _int(value: str, name: str, lo: int, hi: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad("invaliddata", f"{name} must be a whole number.") from None
    if not lo <= number <= hi:
        raise bad("invaliddata", f"{name} must be between {lo} and {hi}.")
    return number


def parse(params: dict[str, str]) -> ListQuery:
    q = ListQuery()
    if any("\x00" in v for v in params.values()) or sum(len(v) for v in params.values()) > 4000:
        # PostgreSQL cannot compare a NUL; nothing sensible is that long.
        raise bad("invaliddata", "A parameter holds a NUL character or is too long.")
    max_limit = settings.EDUDX_PARTNER_MAX_LIMIT
    if params.get("limit"):
        q.limit = _int(params["limit"], "limit", 1, max_limit)
    if params.get("offset"):
        q.offset = _int(params["offset"], "offset", 0, 10**9)
    q.sort = (params.get("sort") or "").strip()
    order = (params.get("orderBy") or "asc").strip().lower()
    if order not in ("asc", "desc"):
        raise bad("invaliddata", "orderBy must be asc or desc.")
    q.descending = order == "desc"
    text = params.get("filter") or ""
    if text.strip():
        parts = LOGICAL.split(text.strip())
        predicates, ops = parts[0::2], {p.upper() for p in parts[1::2]}
        if len(ops) > 1 or len(predicates) > 8:
            raise bad("invalid_filter_field", "Use one logical operator (AND or OR), at most 8 predicates.")
        q.logical = ops.pop() if ops else "AND"
        for piece in predicates:
            m = PREDICATE.match(piece)
            if not m:
                raise bad("invalid_filter_field", "A filter is field op 'value', e.g. status='active'.")
            q.predicates.append(Predicate(m["field"], m["op"], m["value"]))
    if "fields" in params:
        names = [n.strip() for n in params["fields"].split(",")]
        if not all(names):
            raise bad("invalid_selection_field", "A field name in fields is blank.")
        q.fields = names
    return q


def parse_moment(value: str) -> dt.datetime:
    """A dateLastModified value: an ISO 8601 date-time (Z or offset) or a date."""
    try:
        moment = parse_datetime(value)
        day = parse_date(value) if moment is None else None
    except ValueError:  # well formed but impossible: 2026-13-45
        moment = day = None
    if moment is None:
        if day is None:
            raise bad("invaliddata", "dateLastModified needs an ISO 8601 date-time.")
        moment = dt.datetime.combine(day, dt.time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment
