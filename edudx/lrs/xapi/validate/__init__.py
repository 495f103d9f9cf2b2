"""Statement validation, exactly per the xAPI Data part, for 1.0.3 and 2.0.

`validate_statement(data, version)` raises `XapiError` (400) on the first rule broken. The
version is the negotiated API version ("1.0.3" or "2.0.0"): 2.0 adds contextAgents and
contextGroups, stricter timestamps, and the "2.0.x" statement version.

One module per section of the Data part: `formats` (value formats), `base` (the small types),
`actors` (2.4.2), `activities` (2.4.3–2.4.4), `context` (2.4.5, 2.4.6, 2.4.11); the statement
itself (2.4, 2.4.4.3 sub-statements, 2.4.9 authority, 2.4.10 version) is here.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from .context import ContextChecks
from .formats import (
    SIGNATURE_USAGE,
    V1,
    V2,
    VOIDED_VERB,
    comparable_duration,
    fail,
    is_iri,
    is_uuid,
    parse_timestamp,
)


class Validator(ContextChecks):
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


__all__ = [
    "SIGNATURE_USAGE", "V1", "V2", "VOIDED_VERB", "Validator", "comparable_duration", "is_iri", "is_uuid", "new_uuid",
    "parse_timestamp", "validate_agent_param", "validate_statement",
]  # fmt: skip
