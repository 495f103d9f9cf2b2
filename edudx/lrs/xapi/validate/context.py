"""Result, context and attachments (xAPI Data 2.4.5, 2.4.6, 2.4.11)."""

from __future__ import annotations

import re
from typing import Any

from .activities import ActivityChecks
from .formats import _DURATION, V2, fail, is_lang_tag


class ContextChecks(ActivityChecks):
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
