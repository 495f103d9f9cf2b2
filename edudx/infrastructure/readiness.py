"""Readiness indicators and gaps, computed from per-school aggregates.

`compute(inputs, thresholds, unit_costs)` is pure: it takes plain numbers per school (gathered
by selectors in a handful of GROUP BY queries) and returns indicators, flags and the
equipment a school needs to reach every threshold — pure so that it is unit-tested without
a database and a threshold change shows at once, recomputed from the stored inputs on every
view. Why, and what it costs over the whole city: docs/decisions/0014-infrastructure-readiness-pure-over-maintained-inputs.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class SchoolInputs:
    pupils: int = 0
    computers_working: int = 0  # desktops, laptops, tablets in use
    devices_total: int = 0  # not retired
    devices_broken: int = 0  # broken or needing repair
    devices_old: int = 0  # not retired and older than the age threshold
    devices_recorded: int = 0  # every device row, retired included
    declared_total: int = 0  # on the school's asset books
    teaching_rooms: int = 0
    teaching_rooms_ready: int = 0  # with a working projector/display and Internet
    teaching_rooms_without_display: int = 0
    teaching_rooms_without_internet: int = 0
    labs: int = 0
    download_mbps: int = 0
    informatics_classes: int = 0  # classes in grades that learn Informatics


@dataclass
class Readiness:
    school_id: int
    inputs: SchoolInputs
    pupils_per_computer: float | None
    presentation_share: float | None
    kbps_per_pupil: float | None
    lab_ratio: float | None
    broken_share: float | None
    old_share: float | None
    digital_record_share: float | None
    below: list[str] = field(default_factory=list)  # indicator codes under threshold
    needs: dict[str, int] = field(default_factory=dict)  # device category -> count
    extra_mbps: int = 0
    cost_vnd: int = 0
    score: float = 0.0  # 0 (worst) .. 1 (meets every threshold)

    def as_dict(self) -> dict[str, Any]:
        return {
            "school_id": self.school_id,
            "pupils": self.inputs.pupils,
            "pupils_per_computer": self.pupils_per_computer,
            "presentation_share": self.presentation_share,
            "kbps_per_pupil": self.kbps_per_pupil,
            "lab_ratio": self.lab_ratio,
            "broken_share": self.broken_share,
            "old_share": self.old_share,
            "digital_record_share": self.digital_record_share,
            "below": list(self.below),
            "needs": dict(self.needs),
            "extra_mbps": self.extra_mbps,
            "cost_vnd": self.cost_vnd,
            "score": round(self.score, 3),
        }


INDICATORS = (
    "pupils_per_computer", "presentation_share", "kbps_per_pupil", "lab_ratio", "broken_share", "old_share",
    "digital_record_share",
)  # fmt: skip


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def compute_one(
    school_id: int,
    x: SchoolInputs,
    t: dict[str, Decimal],
    costs: dict[str, int],
    f: dict[str, float] | None = None,
) -> Readiness:
    f = f if f is not None else {k: float(v) for k, v in t.items()}
    r = Readiness(
        school_id=school_id,
        inputs=x,
        pupils_per_computer=_ratio(x.pupils, x.computers_working)
        if x.pupils and x.informatics_classes
        else None,
        presentation_share=_ratio(x.teaching_rooms_ready, x.teaching_rooms),
        kbps_per_pupil=_ratio(x.download_mbps * 1000, x.pupils),
        lab_ratio=_ratio(
            x.labs * f["lab_periods_per_week"], x.informatics_classes * f["informatics_periods_per_class"]
        ),
        broken_share=_ratio(x.devices_broken, x.devices_total),
        old_share=_ratio(x.devices_old, x.devices_total),
        digital_record_share=(min(1.0, x.devices_recorded / x.declared_total) if x.declared_total else None),
    )
    checks = 0
    met = 0
    # Computers per pupil apply where Informatics is taught (GDPT 2018: from grade 3), so not
    # to preschools; a school with such pupils and no working computer is below threshold.
    if x.pupils and x.informatics_classes:
        checks += 1
        needed = math.ceil(x.pupils / f["max_pupils_per_computer"]) - x.computers_working
        if needed > 0:
            r.below.append("pupils_per_computer")
            r.needs["desktop"] = needed
        else:
            met += 1
    if x.teaching_rooms:
        checks += 1
        if (r.presentation_share or 0) < f["min_presentation_share"]:
            r.below.append("presentation_share")
            target = math.ceil(x.teaching_rooms * f["min_presentation_share"])
            missing = max(0, target - x.teaching_rooms_ready)
            # Rooms without a display get a projector first; the rest lack only Internet.
            projectors = min(missing, x.teaching_rooms_without_display)
            if projectors:
                r.needs["projector"] = projectors
            if missing - projectors > 0:
                r.needs["network"] = r.needs.get("network", 0) + (missing - projectors)
        else:
            met += 1
    if x.pupils:
        checks += 1
        want_mbps = math.ceil(x.pupils * f["min_kbps_per_pupil"] / 1000)
        if x.download_mbps < want_mbps:
            r.below.append("kbps_per_pupil")
            r.extra_mbps = want_mbps - x.download_mbps
        else:
            met += 1
    if x.informatics_classes:
        checks += 1
        if (r.lab_ratio or 0) < f["min_lab_ratio"]:
            r.below.append("lab_ratio")
            periods = x.informatics_classes * f["informatics_periods_per_class"] * f["min_lab_ratio"]
            labs_needed = math.ceil(periods / f["lab_periods_per_week"]) - x.labs
            # A lab is priced as the computers that fill it (one per seat of a 35-pupil class).
            if labs_needed > 0:
                r.needs["desktop"] = r.needs.get("desktop", 0) + labs_needed * 35
        else:
            met += 1
    if x.devices_total:
        checks += 2
        if (r.broken_share or 0) > f["max_broken_share"]:
            r.below.append("broken_share")
        else:
            met += 1
        if (r.old_share or 0) > f["max_old_share"]:
            r.below.append("old_share")
        else:
            met += 1
    if x.declared_total:
        checks += 1
        if (r.digital_record_share or 0) < f["min_digital_record_share"]:
            r.below.append("digital_record_share")
        else:
            met += 1
    r.cost_vnd = sum(n * costs.get(cat, 0) for cat, n in r.needs.items()) + int(
        r.extra_mbps * f["mbps_unit_cost_vnd"] * 12
    )
    r.score = met / checks if checks else 0.0
    return r


def compute(
    inputs: dict[int, SchoolInputs], thresholds: dict[str, Decimal], costs: dict[str, int]
) -> dict[int, Readiness]:
    f = {k: float(v) for k, v in thresholds.items()}  # once, not once per school
    return {sid: compute_one(sid, x, thresholds, costs, f) for sid, x in inputs.items()}
