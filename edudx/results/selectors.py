"""Reads of learning results, each through the caller's Scope (a foreign id is NotFound).

For other apps (role dashboards): `outcome_summary` (a school's, a ward's or the city's figures
as an `OutcomeSummary`), `comparison` (a principal's school against its ward and the city),
`at_risk_counts` (pupils at risk per school or per ward). They read the maintained figures of
`aggregates.OUTCOMES` (a minute old at most), never the 50 M subject rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _

from edudx.core import aggregates
from edudx.core.errors import NotFound
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .aggregates import OUTCOMES
from .models import YEAR
from .pupils import (  # noqa: F401 (re-exported: the app's public reads)
    SIGNAL_LABELS,
    AtRisk,
    at_risk_pupils,
    class_get,
    classes_with_results,
    pupil_get,
    pupil_results,
    school_ids,
    score_book,
)

BANDS = ("0–<3,5", "3,5–<5", "5–<6,5", "6,5–<8", "8–10")
SUPPRESS_BELOW = 10  # equity views: no count of pupils under this is shown
Group = Literal["ward", "school", "ownership", "grade", "subject", "ethnicity"]


@dataclass
class OutcomeSummary:
    """Outcome figures of a set of schools for one school year and period (1, 2 or 3 = year).

    learning: result code → pupils (Tốt T, Khá K, Đạt D, Chưa đạt C; primary G, H, N);
    bands: subject → pupils per score band (BANDS); at_risk: pupils with an early-warning signal."""

    label: str
    year: str
    period: int
    schools: int = 0
    pupils: int = 0
    learning: dict[str, int] = field(default_factory=dict)
    conduct: dict[str, int] = field(default_factory=dict)
    promotion: dict[str, int] = field(default_factory=dict)
    bands: dict[str, list[int]] = field(default_factory=dict)
    at_risk: int = 0
    as_of: dt.datetime | None = None

    @property
    def passed_share(self) -> float | None:
        """Share (%) of pupils whose learning result is Đạt or better (Hoàn thành or better)."""
        if not self.pupils:
            return None
        ok = sum(n for c, n in self.learning.items() if c not in ("C", "N", ""))
        return round(100 * ok / self.pupils, 1)


def _read(ids: list[int] | None) -> aggregates.Figures:
    if ids is None or len(ids) > aggregates.CHUNK:  # a ward or the city: shared per process
        return aggregates.read_shared(OUTCOMES, ids)
    return aggregates.read(OUTCOMES, ids)


def _figures(ids: list[int] | None, scope: Scope | None = None) -> aggregates.Figures:
    if scope is None:
        return _read(ids)
    key = ("results_figures", None if ids is None else hash(tuple(ids)))
    if key not in scope._cache:
        scope._cache[key] = _read(ids)
    figures: aggregates.Figures = scope._cache[key]
    return figures


def _totals(label: str, ids: list[int], year: str, period: int) -> OutcomeSummary:
    """Summed figures of many schools (a ward, the city), kept in the shared cache until the
    aggregate's next sweep: a principal's page reads their school's figures, not the city's."""
    from django.core.cache import caches

    as_of = aggregates.read(OUTCOMES, ids[:1]).as_of
    stamp = as_of.timestamp() if as_of else 0
    key = f"results:totals:{year}:{period}:{stamp}:{len(ids)}:{sum(ids) % 1_000_003}"
    cached = caches["shared"].get(key)
    if isinstance(cached, OutcomeSummary):
        cached.label = label
        return cached
    figures = _read(ids)
    out = _sum(label, figures.data, ids, year, period, as_of=figures.as_of)
    caches["shared"].set(key, out, timeout=max(60, aggregates.max_age() * 2))
    return out


def years(*, scope: Scope) -> list[str]:
    """School years holding results in the scope, newest first."""
    data = _figures(school_ids(scope), scope).data
    return sorted({y for d in data.values() for y in d}, reverse=True)


def _default(data: dict[int, dict[str, Any]], year: str | None, period: int | None) -> tuple[str, int]:
    ys = sorted({y for d in data.values() for y in d}, reverse=True)
    y = year if year in ys else (ys[0] if ys else "")
    if period in (1, 2, YEAR):
        return y, int(period or 1)
    periods = {int(p) for d in data.values() for p in d.get(y, {})}
    return y, max(periods) if periods else 1


def _sum(label: str, data: dict[int, dict[str, Any]], ids: list[int], year: str, period: int,
         grade: int | None = None, subject: str | None = None, as_of: dt.datetime | None = None) -> OutcomeSummary:  # fmt: skip
    out = OutcomeSummary(label=label, year=year, period=period, as_of=as_of)
    for sid in ids:
        slot = data.get(sid, {}).get(year, {}).get(str(period))
        if not slot:
            continue
        out.schools += 1
        for g, counts in slot["learning"].items():
            if grade is not None and int(g) != grade:
                continue
            for code, n in counts.items():
                out.learning[code] = out.learning.get(code, 0) + n
                out.pupils += n
        for key in ("conduct", "promotion"):
            target = getattr(out, key)
            for code, n in slot[key].items():
                target[code] = target.get(code, 0) + n
        for subj, counts in slot["bands"].items():
            if subject and subj != subject:
                continue
            acc = out.bands.setdefault(subj, [0, 0, 0, 0, 0])
            for i, n in enumerate(counts):
                acc[i] += n
        out.at_risk += int(slot.get("risk", 0))
    return out


def outcome_summary(
    *, scope: Scope, school_id: int | None = None, unit_id: int | None = None, year: str | None = None,
    period: int | None = None, grade: int | None = None, subject: str | None = None,
) -> OutcomeSummary:  # fmt: skip
    """The figures of one school, of one unit (ward) or of everything in the scope."""
    ids = school_ids(scope)
    label = _("All schools in your scope")
    if school_id is not None:
        if school_id not in ids:
            raise NotFound(_("No such school."), code="school_not_found")
        ids, label = [school_id], registry.school_names(pks=[school_id]).get(school_id, "")
    elif unit_id is not None:
        rows = [s for s in registry.school_summaries(ids) if s["area_id"] == unit_id]
        if not rows:
            raise NotFound(_("No such unit."), code="unit_not_found")
        ids, label = [s["id"] for s in rows], rows[0]["area"] or ""
    figures = _figures(ids, scope)
    y, p = _default(figures.data, year, period)
    return _sum(label, figures.data, ids, y, p, grade, subject, figures.as_of)


def comparison(
    *, scope: Scope, school_id: int, year: str | None = None, period: int | None = None
) -> list[OutcomeSummary]:
    """A school against its ward and the city — counts only, so a principal reads the ward's and
    the city's totals although their scope holds only their school."""
    if school_id not in school_ids(scope):
        raise NotFound(_("No such school."), code="school_not_found")
    everything = registry.school_summaries(list(registry.school_ids_in_scope(scope=Scope.system())))
    mine = next(s for s in everything if s["id"] == school_id)
    ward = [s["id"] for s in everything if s["area_id"] == mine["area_id"]]
    city = [s["id"] for s in everything]
    figures = _figures([school_id])
    y, p = _default(figures.data, year, period)
    return [
        _sum(mine["name"], figures.data, [school_id], y, p, as_of=figures.as_of),
        _totals(mine["area"] or _("Ward"), ward, y, p),
        _totals(_("City"), city, y, p),
    ]


def breakdown(
    *, scope: Scope, by: Group, year: str | None = None, period: int | None = None
) -> tuple[list[dict[str, Any]], str, int]:
    """Rows of {key, label, pupils, learning{code: n}, passed_share} per ward, school, ownership
    (school type), grade, subject (bands) or ethnicity; counts under SUPPRESS_BELOW are None."""
    ids = school_ids(scope)
    figures = _figures(ids, scope)
    y, p = _default(figures.data, year, period)
    schools = {s["id"]: s for s in registry.school_summaries(ids)}
    acc: dict[Any, dict[str, int]] = defaultdict(dict)
    labels: dict[Any, str] = {}
    for sid in ids:
        slot = figures.data.get(sid, {}).get(y, {}).get(str(p))
        if not slot:
            continue
        s = schools.get(sid, {})
        if by == "subject":
            for subj, bands in slot["bands"].items():
                per = acc[subj]
                for i, n in enumerate(bands):
                    per[BANDS[i]] = per.get(BANDS[i], 0) + n
                labels[subj] = subj
            continue
        if by == "ethnicity":
            groups = slot["eth"].items()
        elif by == "grade":
            groups = slot["learning"].items()
        else:
            merged: dict[str, int] = defaultdict(int)
            for counts in slot["learning"].values():
                for c, n in counts.items():
                    merged[c] += n
            key = {"ward": s.get("area_id"), "school": sid, "ownership": s.get("ownership")}[by]
            labels[key] = {"ward": s.get("area"), "school": s.get("name"), "ownership": s.get("ownership")}[
                by
            ] or ""
            groups = [(key, merged)]
        for key, counts in groups:
            labels.setdefault(key, str(key))
            per = acc[key]
            for c, n in counts.items():
                per[c] = per.get(c, 0) + n
    rows = []
    for key, counts in acc.items():
        pupils = sum(counts.values())
        ok = sum(n for c, n in counts.items() if c not in ("C", "N", ""))
        row: dict[str, Any] = {
            "key": key,
            "label": labels.get(key, str(key)),
            "pupils": pupils,
            "counts": dict(counts),
        }
        row["passed_share"] = round(100 * ok / pupils, 1) if pupils and by != "subject" else None
        if by == "ethnicity":
            row = _suppressed(row)
        rows.append(row)
    rows.sort(key=lambda r: str(r["label"]))
    return rows, y, p


def _suppressed(row: dict[str, Any]) -> dict[str, Any]:
    """Counts of pupils under SUPPRESS_BELOW become None; a share is kept only when no count of
    the row is hidden (a share and a total would give the hidden count back)."""
    hidden = row["pupils"] < SUPPRESS_BELOW or any(0 < n < SUPPRESS_BELOW for n in row["counts"].values())
    counts = {
        c: (None if 0 < n < SUPPRESS_BELOW or row["pupils"] < SUPPRESS_BELOW else n)
        for c, n in row["counts"].items()
    }
    return {**row, "pupils": None if row["pupils"] < SUPPRESS_BELOW else row["pupils"], "counts": counts,
            "passed_share": None if hidden else row["passed_share"]}  # fmt: skip


def at_risk_counts(*, scope: Scope, by: Literal["school", "ward"] = "school", year: str | None = None,
                   period: int | None = None) -> dict[int, int]:  # fmt: skip
    """Pupils at risk per school id (or per ward unit id) in the scope, for the year and period."""
    ids = school_ids(scope)
    figures = _figures(ids)
    y, p = _default(figures.data, year, period)
    area = {s["id"]: s["area_id"] for s in registry.school_summaries(ids)} if by == "ward" else {}
    out: dict[int, int] = defaultdict(int)
    for sid in ids:
        n = int(figures.data.get(sid, {}).get(y, {}).get(str(p), {}).get("risk", 0))
        key = area.get(sid) if by == "ward" else sid
        if key is not None:
            out[key] += n
    return dict(out)
