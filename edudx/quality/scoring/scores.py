"""Scores from facts (facts.py) under the current rule settings: per rule checked/failed, per
dimension and overall, for one school or summed over many (a ward, a cluster, the city)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..models import Dimension
from . import outliers
from .catalogue import SCORED, WEIGHT, RuleDef


def _level_param(value: Any, level: str, default: float) -> float:
    if isinstance(value, dict):
        got = value.get(level)
        return float(got) if got is not None else default
    return float(value) if value is not None else default


def counts(rule: RuleDef, f: dict[str, Any], today: dt.date) -> tuple[int, int]:
    """(checked, failed) of one rule at one school."""
    code, p = rule.code, rule.params
    kind = "staff" if ".staff" in code else "students"
    if code.startswith("completeness."):
        blank = f["blank"].get(kind) or {}
        fields = [x for x in p.get("fields", []) if isinstance(x, str)]
        return blank.get("n", 0) * len(fields), sum(int(blank.get(x, 0)) for x in fields)
    if code.startswith("validity."):
        return (f["blank"].get(kind) or {}).get("n", 0), int(f["invalid"].get(kind, 0))
    if code.startswith("uniqueness."):
        return (f["blank"].get(kind) or {}).get("n", 0), int(f["pending"].get(kind, 0))
    if code.startswith("verification."):
        total, verified = f["verified"].get(kind) or [0, 0]
        return int(total), int(total) - int(verified)
    if code == "consistency.age_grade":
        failed = int(f["age_grade"].get("error", 0))
        if p.get("count_warnings"):
            failed += int(f["age_grade"].get("warning", 0))
        return int(f["enrolled"]), failed
    if code == "consistency.class_level":
        return int(f["enrolled"]), int(f["class_level"])
    if code == "consistency.class_size":
        lo = _level_param(p.get("min"), f["level"], 0)
        hi = _level_param(p.get("max"), f["level"], 10_000)
        sizes = f["class_sizes"]
        return len(sizes), sum(1 for n in sizes if n < lo or n > hi)
    if code == "consistency.staff_classes":
        classes = len(f["class_sizes"])
        if not classes:
            return 0, 0
        need = _level_param(p.get("min_ratio"), f["level"], 0)
        return 1, int(f["teachers"] < need * classes)
    if code == "timeliness.last_update":
        last = f.get("last_update")
        if last is None:
            return 1, 1
        return 1, int((today - dt.date.fromisoformat(last)).days > int(p.get("max_days", 30)))
    if code == "timeliness.reporting":
        due, hit = f.get("reporting") or [0, 0]
        return int(due), int(due) - int(hit)
    return 0, 0


def score(checked: int, failed: int) -> float | None:
    return round(100.0 * (1 - failed / checked), 1) if checked else None


@dataclass
class Card:
    """One scorecard: per rule [checked, failed], per dimension and overall scores."""

    rules: dict[str, list[int]] = field(default_factory=dict)
    dimensions: dict[str, float | None] = field(default_factory=dict)
    overall: float | None = None
    flags: int = 0  # rules below their target
    schools: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"rules": self.rules, "dimensions": self.dimensions, "overall": self.overall,
                "flags": self.flags, "schools": self.schools}  # fmt: skip


def rule_counts(f: dict[str, Any], rules: list[RuleDef], today: dt.date) -> dict[str, tuple[int, int]]:
    """One school's (checked, failed) per active scored rule that applies to its level."""
    return {
        r.code: counts(r, f, today)
        for r in rules
        if r.dimension != Dimension.OUTLIERS and r.applies(f["level"])
    }


def card(facts: Iterable[dict[str, Any]], rules: list[RuleDef], today: dt.date) -> Card:
    """The scorecard of one school (one facts dict) or of several summed."""
    return card_of([rule_counts(f, rules, today) for f in facts], rules)


def card_of(per_school: list[dict[str, tuple[int, int]]], rules: list[RuleDef]) -> Card:
    """The scorecard of schools whose rule counts (`rule_counts`) are given: sums, then scores.
    Called once per school of the city page (its ranking): kept to plain loops."""
    out = Card()
    scored = [r for r in rules if r.dimension != Dimension.OUTLIERS and r.active]
    if len(per_school) == 1:
        only = per_school[0]
        totals = {r.code: list(only.get(r.code, (0, 0))) for r in scored}
        out.schools = 1
    else:
        totals = {r.code: [0, 0] for r in scored}
        for school in per_school:
            out.schools += 1
            for code, (c, x) in school.items():
                t = totals.get(code)
                if t is not None:
                    t[0] += c
                    t[1] += x
    out.rules = totals
    sums: dict[str, list[float]] = {}
    for r in scored:
        checked, failed = totals[r.code]
        if not checked:
            continue
        s = round(100.0 * (1 - failed / checked), 1)
        w = WEIGHT.get(r.severity, 1.0)
        acc = sums.setdefault(r.dimension, [0.0, 0.0])
        acc[0] += s * w
        acc[1] += w
        if s < r.threshold:
            out.flags += 1
    present = []
    for d in SCORED:
        got = sums.get(d)
        value = round(got[0] / got[1], 1) if got else None
        out.dimensions[d] = value
        if value is not None:
            present.append(value)
    out.overall = round(sum(present) / len(present), 1) if present else None
    return out


def signature(rules: list[RuleDef]) -> str:
    """The rules' versions, short: a stored score counted under other versions is not used."""
    return hashlib.sha256(",".join(f"{r.code}:{r.version}" for r in rules).encode()).hexdigest()[:16]


def fresh(part: Any, sig: str, today: dt.date) -> bool:
    """A stored score counted under these rules' versions today."""
    return isinstance(part, dict) and part.get("sig") == sig and part.get("day") == today.isoformat()


def stored(f: dict[str, Any], rules: list[RuleDef], today: dt.date) -> dict[str, Any]:
    """What the sweep keeps of one school's score beside its facts (`facts.compute`), so that a
    page over 3,500 schools only sums: its rule counts and card under these rules on this day,
    and its outlier figures (compared city-wide by the page). Plain JSON."""
    counts = rule_counts(f, rules, today)
    c = card_of([counts], rules)
    return {
        "sig": signature(rules), "day": today.isoformat(), "level": f["level"], "area": f["area"],
        "path": f["path"], "rules": c.rules, "dimensions": c.dimensions, "overall": c.overall,
        "flags": c.flags,
        "metrics": {r.code: outliers.metric(r.code, f) for r in rules if r.dimension == Dimension.OUTLIERS},
    }  # fmt: skip


def current(f: dict[str, Any], rules: list[RuleDef], today: dt.date, sig: str) -> dict[str, Any]:
    """The stored score of one school's facts when it was counted under these rules today, else
    scored now (facts stored before a rule's edit, until the recount it queued has run)."""
    part = f.get("score")
    if isinstance(part, dict) and fresh(part, sig, today):
        return part
    return stored(f, rules, today)


def card_from(part: dict[str, Any]) -> Card:
    """One school's card from its stored score (no scoring)."""
    return Card(rules=part["rules"], dimensions=part["dimensions"], overall=part["overall"],
                flags=part["flags"], schools=1)  # fmt: skip
