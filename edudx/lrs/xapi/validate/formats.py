"""The value formats the xAPI Data part names (IRIs, UUIDs, ISO 8601 timestamps and
durations, RFC 5646 language tags) and the constants the rest of the LRS shares."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, NoReturn

from ..errors import XapiError

V1 = "1.0.3"
V2 = "2.0.0"

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_EMAIL = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
# ISO 8601 durations: PnYnMnDTnHnMnS, or PnW alone (weeks never combine with other units).
_DURATION = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W|(?!$)(\d+(?:[.,]\d+)?Y)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?D)?"
    r"(T(?=\d)(\d+(?:[.,]\d+)?H)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?S)?)?)$"
)
_LANG = re.compile(
    r"^(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (+extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[A-Za-z0-9]{1,8})+"
    r"|i-[A-Za-z]{3,8}|[A-Za-z]{2}-[A-Za-z]{2,3}-[A-Za-z]{2,8}"  # grandfathered forms
    r")$"
)
_TIMESTAMP = re.compile(
    r"^(?P<y>\d{4})-?(?P<mo>\d{2})-?(?P<d>\d{2})T(?P<h>\d{2}):?(?P<mi>\d{2}):?(?P<s>\d{2})"
    r"(?:[.,](?P<f>\d+))?(?P<tz>Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
INTERACTION_TYPES = {
    "true-false": (),
    "choice": ("choices",),
    "fill-in": (),
    "long-fill-in": (),
    "matching": ("source", "target"),
    "performance": ("steps",),
    "sequencing": ("choices",),
    "likert": ("scale",),
    "numeric": (),
    "other": (),
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def fail(msg: str) -> NoReturn:
    raise XapiError(400, msg)


def parse_timestamp(
    value: Any, where: str, *, version: str = V2, require_tz: bool | None = None
) -> dt.datetime:
    """An ISO 8601 date-time; 2.0 (RFC 3339) requires an offset; '-00:00' is never allowed."""
    if not isinstance(value, str):
        fail(f"{where} must be a string timestamp")
    m = _TIMESTAMP.match(value)
    if not m:
        fail(f"{where} is not an ISO 8601 timestamp: {value!r}")
    tz = m.group("tz")
    if require_tz is None:
        require_tz = version == V2
    if tz is None:
        if require_tz:
            fail(f"{where} must include a time zone offset")
        tzinfo = dt.UTC
    elif tz in ("Z", "z"):
        tzinfo = dt.UTC
    else:
        digits = tz[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        if tz[0] == "-" and hours == 0 and minutes == 0:
            fail(f"{where} must not use the -00:00 offset")
        if hours > 23 or minutes > 59:
            fail(f"{where} has an invalid offset")
        offset = dt.timedelta(hours=hours, minutes=minutes)
        tzinfo = dt.timezone(-offset if tz[0] == "-" else offset)
    frac = (m.group("f") or "0")[:6].ljust(6, "0")
    try:
        return dt.datetime(
            int(m.group("y")),
            int(m.group("mo")),
            int(m.group("d")),
            int(m.group("h")),
            int(m.group("mi")),
            int(m.group("s")),
            int(frac),
            tzinfo=tzinfo,
        )
    except ValueError:
        fail(f"{where} is not a valid date-time: {value!r}")
    raise AssertionError  # unreachable


_DURATION_SECONDS = re.compile(r"(\d+)(?:[.,](\d+))?S$")


def comparable_duration(value: str) -> str:
    """A duration as compared (Data 4.6.s1.b5): "When comparing Durations, any precision
    beyond 0.01 second precision SHOULD* NOT be included" — seconds truncated (not rounded)
    to hundredths, so PT0.1237S, PT0.12S and PT0.120S compare equal."""
    m = _DURATION_SECONDS.search(value)
    if m is None:
        return value
    frac = (m.group(2) or "")[:2].ljust(2, "0")
    return f"{value[: m.start()]}{int(m.group(1))}.{frac}S"


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_SCHEME.match(value))


@functools.lru_cache(maxsize=4096)
def _lang_tag_ok(tag: str) -> bool:
    if not _LANG.match(tag):
        return False
    # RFC 5646 2.2.6: an extension singleton appears at most once (before the private-use part).
    singletons = []
    for sub in tag.lower().split("-")[1:]:
        if sub == "x":
            break
        if len(sub) == 1:
            singletons.append(sub)
    return len(singletons) == len(set(singletons))


def is_lang_tag(value: Any) -> bool:
    """A well-formed RFC 5646 tag (cached: a handful of tags recur in every statement)."""
    return isinstance(value, str) and _lang_tag_ok(value)
