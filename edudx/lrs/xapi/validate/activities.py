"""Verbs, activities with their definitions, and statement references (xAPI Data 2.4.3,
2.4.4)."""

from __future__ import annotations

from typing import Any

from .actors import ActorChecks
from .formats import COMPONENT_LISTS, INTERACTION_TYPES, fail


class ActivityChecks(ActorChecks):
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
