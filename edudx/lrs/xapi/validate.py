"""Statement validation, exactly per the xAPI Data part, for 1.0.3 and 2.0.

`validate_statement(data, version)` raises `XapiError` (400) on the first rule broken. The
version is the negotiated API version ("1.0.3" or "2.0.0"): 2.0 adds contextAgents and
contextGroups, stricter timestamps, and the "2.0.x" statement version.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from typing import Any

from .errors import XapiError

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


def fail(msg: str) -> None:
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


class Validator:
    def __init__(self, version: str):
        self.version = version

    # ----- small types
    def obj(self, value: Any, where: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            fail(f"{where} must be a JSON object")
        for key, item in value.items():
            if key not in allowed:
                fail(f"{where} has an unknown property {key!r}")
            if item is None:
                fail(f"{where}.{key} must not be null")
        for key in required:
            if key not in value:
                fail(f"{where}.{key} is required")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            fail(f"{where} must be a string")
        return value

    def iri(self, value: Any, where: str) -> None:
        if not is_iri(value):
            fail(f"{where} must be an IRI")

    def uuid(self, value: Any, where: str) -> None:
        if not is_uuid(value):
            fail(f"{where} must be a UUID")

    def boolean(self, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            fail(f"{where} must be true or false")

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail(f"{where} must be a number")
        return float(value)

    def lang_map(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            fail(f"{where} must be a language map")
        for tag, text in value.items():
            if not is_lang_tag(tag):
                fail(f"{where} has an invalid language tag {tag!r}")
            if not isinstance(text, str):
                fail(f"{where}[{tag!r}] must be a string")

    def extensions(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            fail(f"{where} must be an object")
        for key in value:
            if not is_iri(key):
                fail(f"{where} keys must be IRIs")

    # ----- actors
    def agent(self, value: Any, where: str, *, object_type_required: bool = False) -> None:
        self.obj(value, where, {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
        if object_type_required and "objectType" not in value:
            fail(f"{where}.objectType is required")
        if value.get("objectType", "Agent") != "Agent":
            fail(f"{where}.objectType must be 'Agent'")
        if "name" in value:
            self.string(value["name"], f"{where}.name")
        if self.ifi_count(value, where) != 1:
            fail(f"{where} must have exactly one inverse functional identifier")

    def ifi_count(self, value: dict, where: str) -> int:
        count = 0
        if "mbox" in value:
            count += 1
            if not isinstance(value["mbox"], str) or not _EMAIL.match(value["mbox"]):
                fail(f"{where}.mbox must be a mailto: IRI")
        if "mbox_sha1sum" in value:
            count += 1
            if not isinstance(value["mbox_sha1sum"], str) or not _SHA1.match(value["mbox_sha1sum"]):
                fail(f"{where}.mbox_sha1sum must be a SHA-1 hex digest")
        if "openid" in value:
            count += 1
            self.iri(value["openid"], f"{where}.openid")
        if "account" in value:
            count += 1
            acct = self.obj(value["account"], f"{where}.account", {"homePage", "name"}, ("homePage", "name"))
            self.iri(acct["homePage"], f"{where}.account.homePage")
            self.string(acct["name"], f"{where}.account.name")
        return count

    def group(self, value: Any, where: str) -> None:
        self.obj(value, where, {"objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"})
        if value.get("objectType") != "Group":
            fail(f"{where}.objectType must be 'Group'")
        if "name" in value:
            self.string(value["name"], f"{where}.name")
        ifis = self.ifi_count(value, where)
        if ifis > 1:
            fail(f"{where} must have at most one inverse functional identifier")
        if "member" in value:
            if not isinstance(value["member"], list):
                fail(f"{where}.member must be an array")
            for i, member in enumerate(value["member"]):
                if isinstance(member, dict) and member.get("objectType") == "Group":
                    fail(f"{where}.member[{i}] must be an Agent, not a Group")
                self.agent(member, f"{where}.member[{i}]")
        if ifis == 0 and not value.get("member"):
            fail(f"{where}: an anonymous Group must list its members")

    def actor(self, value: Any, where: str) -> None:
        if isinstance(value, dict) and value.get("objectType") == "Group":
            self.group(value, where)
        else:
            self.agent(value, where)

    # ----- verb, activities
    def verb(self, value: Any, where: str) -> None:
        self.obj(value, where, {"id", "display"}, ("id",))
        self.iri(value["id"], f"{where}.id")
        if "display" in value:
            self.lang_map(value["display"], f"{where}.display")

    def activity(self, value: Any, where: str) -> None:
        self.obj(value, where, {"objectType", "id", "definition"}, ("id",))
        if value.get("objectType", "Activity") != "Activity":
            fail(f"{where}.objectType must be 'Activity'")
        self.iri(value["id"], f"{where}.id")
        if "definition" in value:
            self.definition(value["definition"], f"{where}.definition")

    def definition(self, value: Any, where: str) -> None:
        self.obj(
            value,
            where,
            {
                "name",
                "description",
                "type",
                "moreInfo",
                "extensions",
                "interactionType",
                "correctResponsesPattern",
                *COMPONENT_LISTS,
            },
        )
        for key in ("name", "description"):
            if key in value:
                self.lang_map(value[key], f"{where}.{key}")
        for key in ("type", "moreInfo"):
            if key in value:
                self.iri(value[key], f"{where}.{key}")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")
        itype = value.get("interactionType")
        if itype is not None and (not isinstance(itype, str) or itype not in INTERACTION_TYPES):
            fail(f"{where}.interactionType is not a valid interaction type")
        if "correctResponsesPattern" in value:
            if itype is None:
                fail(f"{where}.correctResponsesPattern requires an interactionType")
            crp = value["correctResponsesPattern"]
            if not isinstance(crp, list) or not all(isinstance(x, str) for x in crp):
                fail(f"{where}.correctResponsesPattern must be an array of strings")
        for key in COMPONENT_LISTS:
            if key not in value:
                continue
            if itype is None or key not in INTERACTION_TYPES[itype]:
                fail(f"{where}.{key} is not allowed for interactionType {itype!r}")
            items = value[key]
            if not isinstance(items, list):
                fail(f"{where}.{key} must be an array")
            seen: set[str] = set()
            for i, comp in enumerate(items):
                self.obj(comp, f"{where}.{key}[{i}]", {"id", "description"}, ("id",))
                cid = self.string(comp["id"], f"{where}.{key}[{i}].id")
                if cid in seen:
                    fail(f"{where}.{key} ids must be distinct")
                seen.add(cid)
                if "description" in comp:
                    self.lang_map(comp["description"], f"{where}.{key}[{i}].description")

    def statement_ref(self, value: Any, where: str) -> None:
        self.obj(value, where, {"objectType", "id"}, ("objectType", "id"))
        if value["objectType"] != "StatementRef":
            fail(f"{where}.objectType must be 'StatementRef'")
        self.uuid(value["id"], f"{where}.id")

    def object(self, value: Any, where: str, *, sub: bool) -> str:
        if not isinstance(value, dict):
            fail(f"{where} must be a JSON object")
        kind = value.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(value, where)
        elif kind == "Agent":
            self.agent(value, where, object_type_required=True)
        elif kind == "Group":
            self.group(value, where)
        elif kind == "StatementRef":
            self.statement_ref(value, where)
        elif kind == "SubStatement":
            if sub:
                fail(f"{where}: a SubStatement must not contain a SubStatement")
            self.statement_body(value, where, sub=True)
        else:
            fail(f"{where}.objectType is not valid")
        return kind

    # ----- result, context
    def result(self, value: Any, where: str) -> None:
        self.obj(value, where, {"score", "success", "completion", "response", "duration", "extensions"})
        if "score" in value:
            score = self.obj(value["score"], f"{where}.score", {"scaled", "raw", "min", "max"})
            nums = {k: self.number(v, f"{where}.score.{k}") for k, v in score.items()}
            if "scaled" in nums and not -1 <= nums["scaled"] <= 1:
                fail(f"{where}.score.scaled must be between -1 and 1")
            if "min" in nums and "max" in nums and nums["min"] >= nums["max"]:
                fail(f"{where}.score.min must be less than max")
            if "raw" in nums:
                if "min" in nums and nums["raw"] < nums["min"]:
                    fail(f"{where}.score.raw must not be less than min")
                if "max" in nums and nums["raw"] > nums["max"]:
                    fail(f"{where}.score.raw must not be greater than max")
        for key in ("success", "completion"):
            if key in value:
                self.boolean(value[key], f"{where}.{key}")
        if "response" in value:
            self.string(value["response"], f"{where}.response")
        if "duration" in value and (
            not isinstance(value["duration"], str) or not _DURATION.match(value["duration"])
        ):
            fail(f"{where}.duration must be an ISO 8601 duration")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")

    def context(self, value: Any, where: str, object_kind: str) -> None:
        allowed = {
            "registration",
            "instructor",
            "team",
            "contextActivities",
            "revision",
            "platform",
            "language",
            "statement",
            "extensions",
        }
        if self.version == V2:
            allowed |= {"contextAgents", "contextGroups"}
        self.obj(value, where, allowed)
        if "registration" in value:
            self.uuid(value["registration"], f"{where}.registration")
        if "instructor" in value:
            self.actor(value["instructor"], f"{where}.instructor")
        if "team" in value:
            if not isinstance(value["team"], dict) or value["team"].get("objectType") != "Group":
                fail(f"{where}.team must be a Group")
            self.group(value["team"], f"{where}.team")
        if "contextActivities" in value:
            ca = self.obj(
                value["contextActivities"],
                f"{where}.contextActivities",
                {"parent", "grouping", "category", "other"},
            )
            for key, acts in ca.items():
                for i, act in enumerate(acts if isinstance(acts, list) else [acts]):
                    self.activity(act, f"{where}.contextActivities.{key}[{i}]")
        for key in ("revision", "platform"):
            if key in value:
                self.string(value[key], f"{where}.{key}")
                if object_kind != "Activity":
                    fail(f"{where}.{key} is only allowed when the object is an Activity")
        if "language" in value and not is_lang_tag(value["language"]):
            fail(f"{where}.language must be an RFC 5646 language tag")
        if "statement" in value:
            self.statement_ref(value["statement"], f"{where}.statement")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")
        for key, inner, kind in (
            ("contextAgents", "agent", "contextAgent"),
            ("contextGroups", "group", "contextGroup"),
        ):
            if key not in value:
                continue
            items = value[key]
            if not isinstance(items, list):
                fail(f"{where}.{key} must be an array")
            for i, item in enumerate(items):
                w = f"{where}.{key}[{i}]"
                self.obj(item, w, {"objectType", inner, "relevantTypes"}, ("objectType", inner))
                if item["objectType"] != kind:
                    fail(f"{w}.objectType must be {kind!r}")
                if inner == "agent":
                    self.agent(item["agent"], f"{w}.agent")
                else:
                    if not isinstance(item["group"], dict) or item["group"].get("objectType") != "Group":
                        fail(f"{w}.group must be a Group")
                    self.group(item["group"], f"{w}.group")
                if "relevantTypes" in item:
                    types = item["relevantTypes"]
                    if not isinstance(types, list) or not types:
                        fail(f"{w}.relevantTypes must be a non-empty array of IRIs")
                    for t in types:
                        self.iri(t, f"{w}.relevantTypes")

    def attachments(self, value: Any, where: str) -> None:
        if not isinstance(value, list):
            fail(f"{where} must be an array")
        for i, att in enumerate(value):
            w = f"{where}[{i}]"
            self.obj(
                att,
                w,
                {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
                ("usageType", "display", "contentType", "length", "sha2"),
            )
            self.iri(att["usageType"], f"{w}.usageType")
            self.lang_map(att["display"], f"{w}.display")
            if "description" in att:
                self.lang_map(att["description"], f"{w}.description")
            if not isinstance(att["contentType"], str) or "/" not in att["contentType"]:
                fail(f"{w}.contentType must be an Internet media type")
            if isinstance(att["length"], bool) or not isinstance(att["length"], int) or att["length"] < 0:
                fail(f"{w}.length must be a non-negative integer")
            if not isinstance(att["sha2"], str) or not re.fullmatch(r"[0-9a-fA-F]{56,128}", att["sha2"]):
                fail(f"{w}.sha2 must be a SHA-2 hex digest")
            if "fileUrl" in att:
                self.iri(att["fileUrl"], f"{w}.fileUrl")

    # ----- statements
    def statement_body(self, value: Any, where: str, *, sub: bool) -> None:
        allowed = {"actor", "verb", "object", "result", "context", "timestamp", "attachments"}
        if sub:
            allowed.add("objectType")
        else:
            allowed |= {"id", "stored", "authority", "version"}
        self.obj(value, where, allowed, ("actor", "verb", "object"))
        if not sub:  # one walk covers the SubStatement too
            self.no_nulls(value, where)
        if not sub and "id" in value:
            self.uuid(value["id"], f"{where}.id")
        self.actor(value["actor"], f"{where}.actor")
        self.verb(value["verb"], f"{where}.verb")
        kind = self.object(value["object"], f"{where}.object", sub=sub)
        if value["verb"]["id"] == VOIDED_VERB and not sub and kind != "StatementRef":
            fail("a voiding statement's object must be a StatementRef")
        if "result" in value:
            self.result(value["result"], f"{where}.result")
        if "context" in value:
            self.context(value["context"], f"{where}.context", kind)
        if "timestamp" in value:
            parse_timestamp(value["timestamp"], f"{where}.timestamp", version=self.version)
        if "stored" in value:
            parse_timestamp(value["stored"], f"{where}.stored", version=self.version)
        if "authority" in value:
            self.authority(value["authority"], f"{where}.authority")
        if "version" in value:
            self.statement_version(value["version"])
        if "attachments" in value:
            self.attachments(value["attachments"], f"{where}.attachments")

    def authority(self, value: Any, where: str) -> None:
        """Data 2.4.9: an Agent, or in 3-legged OAuth "a Group with two Agents" that "represent
        an application and user together" — the pair itself, so an anonymous Group."""
        if isinstance(value, dict) and value.get("objectType") == "Group":
            self.group(value, where)
            if any(k in value for k in ("mbox", "mbox_sha1sum", "openid", "account")):
                fail(f"{where}: an authority Group must be anonymous (the application and the user)")
            if len(value.get("member", [])) != 2:
                fail(f"{where}: an authority Group must have exactly two members")
        else:
            self.agent(value, where)

    def statement_version(self, value: Any) -> None:
        patterns = [r"1\.0(\.\d+)?"]
        if self.version == V2:
            patterns.append(r"2\.0(\.\d+)?")
        if not isinstance(value, str) or not any(re.fullmatch(p, value) for p in patterns):
            fail("statement version is not supported")

    def no_nulls(self, value: Any, where: str) -> None:
        """No property anywhere may be null, except inside extensions (Data 2.2.s4.b1.b1). An
        empty object is allowed: "SHOULD NOT include properties with a value of an empty
        object" (2.2.s2.b1) binds the sender, and `definition: {}` is valid. A statement is
        checked without building paths; the path is worked out only for the message of one
        that fails."""
        if _has_null(value):
            self._no_nulls(value, where)

    def _no_nulls(self, value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "extensions":
                    continue
                if item is None:
                    fail(f"{where}.{key} must not be null")
                self._no_nulls(item, f"{where}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if item is None:
                    fail(f"{where}[{i}] must not be null")
                self._no_nulls(item, f"{where}[{i}]")


def _has_null(value: Any) -> bool:
    """Whether `no_nulls` would fail somewhere in `value` (same rules, no paths)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "extensions":
                continue
            if item is None or (isinstance(item, (dict, list)) and _has_null(item)):
                return True
        return False
    if isinstance(value, list):
        for item in value:
            if item is None or (isinstance(item, (dict, list)) and _has_null(item)):
                return True
    return False


def validate_statement(data: Any, version: str) -> None:
    Validator(version).statement_body(data, "statement", sub=False)


def validate_agent_param(data: Any, version: str, where: str = "agent") -> None:
    Validator(version).actor(data, where)


def new_uuid() -> str:
    return str(uuid.uuid4())
