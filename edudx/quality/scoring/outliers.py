"""Outliers on aggregates, the way DHIS2 finds them: a school's figure against the same figure
in every school of its level — standard Z-score, modified Z-score (median absolute deviation)
or fixed min–max bounds."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from .catalogue import RuleDef

MAD_SCALE = 0.6745  # modified Z = 0.6745 × (x − median) ÷ MAD (Iglewicz and Hoaglin)


def metric(code: str, f: dict[str, Any]) -> dict[str, float]:
    """{group: value} of one school for an outlier rule: a group is the school level (class size,
    pupils per teacher) or the grade (average age over the grade's usual age)."""
    if code == "outliers.class_size":
        sizes = f["class_sizes"]
        return {f["level"]: sum(sizes) / len(sizes)} if sizes else {}
    if code == "outliers.pupils_per_teacher":
        pupils = (f["blank"].get("students") or {}).get("n", 0)
        return {f["level"]: pupils / f["teachers"]} if f["teachers"] and pupils else {}
    if code == "outliers.age_per_grade":
        return {
            g: age - (5 if int(g) == 0 else int(g) + 5)
            for g, (age, n) in f["metrics"]["age_per_grade"].items()
            if n >= 5
        }
    return {}


def centre(values: list[float], method: str) -> tuple[float, float] | None:
    """(centre, spread) of a group: mean and standard deviation (Z), median and median absolute
    deviation (modified Z); None for fewer than three values."""
    if len(values) < 3:
        return None
    if method == "z":
        return statistics.fmean(values), statistics.pstdev(values)
    med = statistics.median(values)
    return med, statistics.median(abs(v - med) for v in values)


def z_score(x: float, stats: tuple[float, float] | None, method: str) -> float | None:
    if stats is None:
        return None
    mid, spread = stats
    if not spread:
        return 0.0
    return (MAD_SCALE if method == "modified_z" else 1.0) * (x - mid) / spread


def find(rule: RuleDef, parts: dict[int, dict[str, Any]], among: Iterable[int]) -> list[dict[str, Any]]:
    """Schools of `among` whose figure is an outlier against every school's. `parts` are the
    schools' stored scores (`scores.stored`: level and `metrics`, this module's `metric`)."""
    method = str(rule.params.get("method", "modified_z"))
    per_school = {
        sid: p["metrics"].get(rule.code) or {} for sid, p in parts.items() if rule.applies(p["level"])
    }
    groups: dict[str, list[float]] = {}
    for m in per_school.values():
        for g, v in m.items():
            groups.setdefault(g, []).append(v)
    stats = {g: centre(vs, method) for g, vs in groups.items()} if method != "minmax" else {}
    bound = float(rule.params.get("modified_z" if method == "modified_z" else "z", 3.0))
    lo, hi = float(rule.params.get("min", float("-inf"))), float(rule.params.get("max", float("inf")))
    out: list[dict[str, Any]] = []
    for sid in among:
        for g, v in per_school.get(sid, {}).items():
            if method == "minmax":
                z = None
                hit = v < lo or v > hi
            else:
                z = z_score(v, stats[g], method)
                hit = z is not None and abs(z) > bound
            if hit:
                out.append({"school": sid, "group": g, "value": round(v, 2),
                            "score": None if z is None else round(z, 2), "rule": rule.code})  # fmt: skip
    return out
