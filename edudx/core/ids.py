"""Integers that reach the database as ids.

SQLite and PostgreSQL store ids as signed 64-bit integers; a larger number in a filter or a
path (`?school=99999999999999999999`) would reach the driver and fail there
(OverflowError on SQLite: a 500). Every filter model, path and body field that names a
record by id uses `Id`, so such a number is refused while the input is parsed: a 422 in the
API, a dropped filter in an HTML list (`core.filters.parse_filter`).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

DB_INT_MIN, DB_INT_MAX = -(2**63), 2**63 - 1


def _not_a_boolean(value: object) -> object:
    # pydantic's lax mode reads JSON true/false as 1/0: `"class_id": true` named record 1.
    if isinstance(value, bool):
        raise ValueError("an id is a number, not true/false")
    return value


Id = Annotated[int, Field(ge=DB_INT_MIN, le=DB_INT_MAX), BeforeValidator(_not_a_boolean)]
"""The id of a record: an integer the database can hold (no record has an id below 1; such a
number simply finds nothing, as it always did)."""


def parse_id(value: object) -> int | None:
    """An id from a query string or a form field (HTML doors that read one by hand); None when
    the value is not an integer the database can hold."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if DB_INT_MIN <= number <= DB_INT_MAX else None
