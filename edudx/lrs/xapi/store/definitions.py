"""Activity definitions merged from the statements that carry them (xAPI Data 2.4.4.1: the
LRS keeps the canonical definition and may merge what later statements add)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.utils import timezone

from ...models import Activity

# Canonical definitions this process has already written, to skip the database when an
# activity arrives again with nothing new (the common case: every learner, same lesson).
_KNOWN_DEFINITIONS: dict[str, dict[str, Any]] = {}


def _covered(known: dict[str, Any], incoming: dict[str, Any]) -> bool:
    for key, value in incoming.items():
        if key in ("name", "description", "extensions") and isinstance(value, dict):
            have = known.get(key) or {}
            if any(have.get(k) != v for k, v in value.items()):
                return False
        elif known.get(key) != value:
            return False
    return True


def _merge_definitions(statements: list[dict[str, Any]]) -> None:
    """Keep the canonical definition of each activity: newer definitions win key by key,
    language maps merge by language."""
    defs: dict[str, dict[str, Any]] = {}

    def visit(act: dict[str, Any]) -> None:
        if act.get("definition"):
            into = defs.setdefault(act["id"], {})
            for key, value in act["definition"].items():
                if key in ("name", "description", "extensions") and isinstance(value, dict):
                    into.setdefault(key, {}).update(value)
                else:
                    into[key] = value

    for stmt in statements:
        for part in (stmt, stmt["object"] if stmt["object"].get("objectType") == "SubStatement" else None):
            if part is None:
                continue
            if part["object"].get("objectType") == "Activity":
                visit(part["object"])
            for acts in ((part.get("context") or {}).get("contextActivities") or {}).values():
                for act in acts:
                    visit(act)
    defs = {
        iri: d
        for iri, d in defs.items()
        if not (iri in _KNOWN_DEFINITIONS and _covered(_KNOWN_DEFINITIONS[iri], d))
    }
    if not defs:
        return
    hashes = {hashlib.sha1(iri.encode()).hexdigest(): iri for iri in defs}  # noqa: S324 (a key, not security)
    existing = {a.iri_hash: a for a in Activity.objects.filter(iri_hash__in=list(hashes))}
    now = timezone.now()
    new, changed = [], []
    learned: dict[str, dict[str, Any]] = {}
    # Remember only what was committed (a rolled-back batch must not be remembered).
    transaction.on_commit(lambda: _KNOWN_DEFINITIONS.update(learned))
    for h, iri in hashes.items():
        incoming = defs[iri]
        if h in existing:
            act = existing[h]
            merged = dict(act.definition)
            for key, value in incoming.items():
                if key in ("name", "description", "extensions") and isinstance(value, dict):
                    merged[key] = {**merged.get(key, {}), **value}
                else:
                    merged[key] = value
            if merged != act.definition:
                act.definition, act.updated = merged, now
                changed.append(act)
            learned[iri] = merged
        else:
            new.append(Activity(iri=iri, iri_hash=h, definition=incoming, updated=now))
            learned[iri] = incoming
    if new:
        Activity.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        Activity.objects.bulk_update(changed, ["definition", "updated"])
