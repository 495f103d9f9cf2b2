"""Actors: agents, groups and their inverse functional identifiers (xAPI Data 2.4.2)."""

from __future__ import annotations

from typing import Any

from .base import Checks
from .formats import _EMAIL, _SHA1, fail


class ActorChecks(Checks):
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
