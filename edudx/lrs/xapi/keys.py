"""Keys for the query index: inverse functional identifiers, and 64-bit hashes of them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from .models_kinds import KIND_PREFIX


def ifi_key(agent: dict[str, Any]) -> str | None:
    """The agent's (or identified group's) inverse functional identifier as one string."""
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    if "account" in agent:
        acct = agent["account"]
        return f"account:{acct.get('homePage')}|{acct.get('name')}"
    return None


@lru_cache(maxsize=65536)  # verbs, activities, authorities and active learners recur
def key_hash(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"{KIND_PREFIX[kind]}|{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _actor_keys(actor: dict[str, Any], *, direct: bool) -> Iterator[tuple[str, bool]]:
    key = ifi_key(actor)
    if key:
        yield key, direct
    for member in actor.get("member", []) or []:
        mkey = ifi_key(member)
        if mkey:
            # Members of an anonymous group match the agent filter directly (the group has
            # no identity of its own); members of an identified group only as related.
            yield mkey, direct and key is None


def _activities(ctx: dict[str, Any]) -> Iterator[str]:
    for acts in (ctx.get("contextActivities") or {}).values():
        for act in acts if isinstance(acts, list) else [acts]:
            yield act["id"]


def statement_keys(stmt: dict[str, Any], *, sub: bool = False) -> dict[int, bool]:
    """{hash: direct} for every filterable key of a statement (or of a SubStatement)."""
    out: dict[int, bool] = {}

    def add(kind: str, value: str, direct: bool) -> None:
        h = key_hash(kind, value)
        out[h] = out.get(h, False) or direct

    top = not sub
    for key, direct in _actor_keys(stmt["actor"], direct=top):
        add("agent", key, direct)
    add("verb", stmt["verb"]["id"], top)
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        add("activity", obj["id"], top)
    elif kind in ("Agent", "Group"):
        for key, direct in _actor_keys(obj, direct=top):
            add("agent", key, direct)
    elif kind == "SubStatement":
        for h, _direct in statement_keys(obj, sub=True).items():
            out.setdefault(h, False)
    ctx = stmt.get("context") or {}
    if "registration" in ctx:
        add("registration", ctx["registration"].lower(), top)
    for field in ("instructor", "team"):
        if field in ctx:
            for key, _d in _actor_keys(ctx[field], direct=False):
                add("agent", key, False)
    for item in ctx.get("contextAgents", []) or []:
        for key, _d in _actor_keys(item["agent"], direct=False):
            add("agent", key, False)
    for item in ctx.get("contextGroups", []) or []:
        for key, _d in _actor_keys(item["group"], direct=False):
            add("agent", key, False)
    for act in _activities(ctx):
        add("activity", act, False)
    if "authority" in stmt:
        for key, _d in _actor_keys(stmt["authority"], direct=False):
            add("agent", key, False)
    return out
