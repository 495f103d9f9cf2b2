"""The shipped data-quality rules and their defaults. The department edits a rule's target
score, severity, school levels, parameters and whether it counts (`quality.Rule`, versioned);
what it does not edit comes from here.

A rule counts, per school, how many things it checked and how many failed; its score is
100 × (1 − failed ÷ checked). Sums over schools give a ward's, a cluster's and the city's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.utils.translation import gettext_lazy as _

from edudx.core.rules.levels import Level

from ..models import Dimension, Severity

SCORED = (
    Dimension.COMPLETENESS,
    Dimension.VALIDITY,
    Dimension.UNIQUENESS,
    Dimension.CONSISTENCY,
    Dimension.TIMELINESS,
    Dimension.VERIFICATION,
)
WEIGHT: dict[str, float] = {Severity.ERROR.value: 2.0, Severity.WARNING.value: 1.0}

# Fields whose blanks are counted for every person, whichever the rules ask for today: a rule's
# field list can change without recounting the city.
STUDENT_FIELDS = (
    "full_name", "date_of_birth", "gender", "personal_id", "ethnicity", "moet_code", "parent_phone",
    "address", "place_of_birth", "father_name", "mother_name", "guardian_name",
)  # fmt: skip
STAFF_FIELDS = (
    "full_name", "date_of_birth", "gender", "personal_id", "ethnicity", "moet_code", "phone", "email",
    "qualification",
)  # fmt: skip


@dataclass(frozen=True)
class RuleDef:
    code: str
    dimension: str
    label: Any
    description: Any
    threshold: float  # the target score: a figure below it is flagged
    severity: str
    params: dict[str, Any] = field(default_factory=dict)
    levels: tuple[str, ...] = ()  # school levels it applies to; () every level
    active: bool = True
    version: int = 0
    drill: str = ""  # "students", "staff", "classes" or "" (a school-level figure)

    @property
    def dimension_label(self) -> Any:
        return Dimension(self.dimension).label

    def applies(self, level: str) -> bool:
        return self.active and (not self.levels or level in self.levels)


_CLASS_MAX = {Level.MN: 35, Level.TH: 35, Level.THCS: 45, Level.THPT: 45, Level.GDTX: 45}
# Teachers per class (Circular 16/2017/TT-BGDĐT): primary 1.5, lower secondary 1.9, upper 2.25;
# preschool 2 per full-day group (Circular 06/2015).
_TEACHERS_PER_CLASS = {Level.MN: 2.0, Level.TH: 1.5, Level.THCS: 1.9, Level.THPT: 2.25}

RULES: tuple[RuleDef, ...] = (
    RuleDef("completeness.students.required", Dimension.COMPLETENESS, _("Pupils: required fields"),
            _("Share of required pupil fields filled in."), 98.0, Severity.ERROR,
            {"fields": ["full_name", "date_of_birth", "gender", "personal_id", "ethnicity"]}, drill="students"),
    RuleDef("completeness.students.recommended", Dimension.COMPLETENESS, _("Pupils: recommended fields"),
            _("Share of recommended pupil fields filled in."), 80.0, Severity.WARNING,
            {"fields": ["parent_phone", "address", "place_of_birth"]}, drill="students"),
    RuleDef("completeness.staff.required", Dimension.COMPLETENESS, _("Staff: required fields"),
            _("Share of required staff fields filled in."), 98.0, Severity.ERROR,
            {"fields": ["full_name", "date_of_birth", "gender", "personal_id"]}, drill="staff"),
    RuleDef("completeness.staff.recommended", Dimension.COMPLETENESS, _("Staff: recommended fields"),
            _("Share of recommended staff fields filled in."), 80.0, Severity.WARNING,
            {"fields": ["phone", "email", "qualification"]}, drill="staff"),
    RuleDef("validity.students", Dimension.VALIDITY, _("Pupils: valid records"),
            _("Pupils whose stored record passes the importer's checks (name, birth date, personal ID)."),
            98.0, Severity.ERROR, drill="students"),
    RuleDef("validity.staff", Dimension.VALIDITY, _("Staff: valid records"),
            _("Staff whose stored record passes the importer's checks (name, birth date, personal ID)."),
            98.0, Severity.ERROR, drill="staff"),
    RuleDef("uniqueness.students", Dimension.UNIQUENESS, _("Pupils: no pending duplicates"),
            _("Pupils not in a candidate duplicate pair waiting for a decision."), 99.0, Severity.ERROR,
            {"min_probability": 0.8}, drill="students"),
    RuleDef("uniqueness.staff", Dimension.UNIQUENESS, _("Staff: no pending duplicates"),
            _("Staff not in a candidate duplicate pair waiting for a decision."), 99.0, Severity.ERROR,
            {"min_probability": 0.8}, drill="staff"),
    RuleDef("consistency.age_grade", Dimension.CONSISTENCY, _("Age against grade"),
            _("Enrolled pupils whose age fits their grade under the school charters (domain.md §10)."),
            97.0, Severity.ERROR, {"count_warnings": False}, drill="students"),
    RuleDef("consistency.class_level", Dimension.CONSISTENCY, _("Class level against enrolment"),
            _("Active enrolments in a class of a grade the school teaches, at the pupil's own school."),
            99.0, Severity.ERROR, drill="students"),
    RuleDef("consistency.class_size", Dimension.CONSISTENCY, _("Pupils per class"),
            _("Classes of this year with a number of pupils within the charter's bounds."), 90.0,
            Severity.WARNING, {"min": 5, "max": {str(k): v for k, v in _CLASS_MAX.items()}}, drill="classes"),
    RuleDef("consistency.staff_classes", Dimension.CONSISTENCY, _("Teachers against classes"),
            _("Schools with at least the teachers per class the staffing norms set."), 80.0, Severity.WARNING,
            {"min_ratio": {str(k): v for k, v in _TEACHERS_PER_CLASS.items()}}),
    RuleDef("timeliness.last_update", Dimension.TIMELINESS, _("Days since the last update"),
            _("Schools whose records changed within the set number of days."), 90.0, Severity.WARNING,
            {"max_days": 30}),
    RuleDef("timeliness.reporting", Dimension.TIMELINESS, _("Reporting rate"),
            _("Deadlines of the department's calendar (this school year) by which the school updated its data."),
            90.0, Severity.WARNING),
    RuleDef("verification.students", Dimension.VERIFICATION, _("Pupils verified"),
            _("Pupils verified against the national population registry."), 80.0, Severity.WARNING,
            drill="students"),
    RuleDef("verification.staff", Dimension.VERIFICATION, _("Staff verified"),
            _("Staff verified against the national population registry."), 80.0, Severity.WARNING,
            drill="staff"),
    RuleDef("outliers.class_size", Dimension.OUTLIERS, _("Outlier: average class size"),
            _("The school's average class size against schools of its level."), 0.0, Severity.WARNING,
            {"method": "modified_z", "z": 3.0, "modified_z": 3.5, "min": 10, "max": 50}),
    RuleDef("outliers.pupils_per_teacher", Dimension.OUTLIERS, _("Outlier: pupils per teacher"),
            _("The school's pupils per teacher against schools of its level."), 0.0, Severity.WARNING,
            {"method": "modified_z", "z": 3.0, "modified_z": 3.5, "min": 5, "max": 40}),
    RuleDef("outliers.age_per_grade", Dimension.OUTLIERS, _("Outlier: average age per grade"),
            _("The average age of each grade against that grade in every school."), 0.0, Severity.WARNING,
            {"method": "z", "z": 3.0, "modified_z": 3.5, "min": -1, "max": 2}),
)  # fmt: skip

BY_CODE = {r.code: r for r in RULES}
EDITABLE = ("active", "threshold", "severity", "levels", "params")
OUTLIER_METHODS = ("z", "modified_z", "minmax")


def default_values(code: str) -> dict[str, Any]:
    r = BY_CODE[code]
    return {"active": r.active, "threshold": r.threshold, "severity": r.severity, "levels": list(r.levels),
            "params": dict(r.params)}  # fmt: skip


def effective(overrides: dict[str, dict[str, Any]]) -> list[RuleDef]:
    """The shipped rules with the department's stored settings ({code: {field: value, "version": n}})."""
    out: list[RuleDef] = []
    for r in RULES:
        o = overrides.get(r.code)
        if not o:
            out.append(r)
            continue
        out.append(
            replace(
                r,
                active=bool(o.get("active", r.active)),
                threshold=float(o.get("threshold", r.threshold)),
                severity=str(o.get("severity", r.severity)),
                levels=tuple(o.get("levels") or ()),
                params={**r.params, **(o.get("params") or {})},
                version=int(o.get("version", 0)),
            )
        )
    return out
