"""The machine-read rules each policy code carries: a Pydantic model per code (a new version is
refused unless its rules parse), and the default that holds while no version is in force."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator

from edudx.core.rules.levels import Level

DATA_SHARING = "data_sharing"
READINESS = "readiness_thresholds"
UNIT_COSTS = "unit_costs"
FRAMEWORK_LEVELS = "framework_levels"

# A rule's key: a parameter code, a device category, a framework's decision number.
Key = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,60}$")]


class SharingRules(BaseModel):
    """Which data categories may flow to which kind of app under which legal basis, and who
    approves a school's request (the department, or the ward of the school)."""

    model_config = ConfigDict(extra="forbid")

    # legal basis ("public_task", "consent") → kind of app ("*" = any) → categories allowed
    allowed: dict[Literal["public_task", "consent"], dict[str, list[str]]] = Field(default_factory=dict)
    approval_by: Literal["department", "ward"] = "department"
    consent_age: int = Field(default=7, ge=0, le=18)  # pupils this old or older consent too


# Law 91/2025 (domain.md §9): under a public-task contract only the roster flows; identifiers,
# birth dates, contacts and demographics need consent; a personal ID never flows by default.
DEFAULT_SHARING = SharingRules(
    allowed={
        "public_task": {"*": ["roster"]},
        "consent": {"*": ["roster", "identifiers", "birth", "contact", "demographics"]},
    },
    approval_by="department",
    consent_age=7,
)


class ReadinessRules(BaseModel):
    """Readiness thresholds and planning parameters (infrastructure's parameter codes, e.g.
    `max_pupils_per_computer`): a value here overrides the platform's default and the
    department's settings page while the version is in force. A code the policy does not name
    keeps its setting; a code infrastructure does not know is never read."""

    model_config = ConfigDict(extra="forbid")

    values: dict[Key, Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]] = Field(
        default_factory=dict
    )


class UnitCostRules(BaseModel):
    """The price of one device per category (VND) used by procurement planning."""

    model_config = ConfigDict(extra="forbid")

    costs_vnd: dict[Key, Annotated[int, Field(ge=0, le=10**12)]] = Field(default_factory=dict)


class FrameworkLevelRules(BaseModel):
    """Which school levels each DX framework (by decision number, e.g. "4725") evaluates: a
    campaign on the framework covers only these levels. A framework the policy does not name
    keeps the levels stored on it."""

    model_config = ConfigDict(extra="forbid")

    levels: dict[Key, list[str]] = Field(default_factory=dict)

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted({lv for levels in value.values() for lv in levels} - set(Level.values))
        if unknown:
            raise ValueError(f"unknown school levels {unknown}; known: {sorted(Level.values)}")
        return value


CODES: dict[str, tuple[type[BaseModel], BaseModel, object]] = {
    DATA_SHARING: (SharingRules, DEFAULT_SHARING, _("Data sharing with partner apps")),
    READINESS: (ReadinessRules, ReadinessRules(), _("Readiness thresholds")),
    UNIT_COSTS: (UnitCostRules, UnitCostRules(), _("Unit costs of equipment")),
    FRAMEWORK_LEVELS: (FrameworkLevelRules, FrameworkLevelRules(), _("DX frameworks by school level")),
}
# What each code drives, shown to the department beside the policy.
DRIVES: dict[str, object] = {
    DATA_SHARING: _(
        "Partners: the fields each app receives (with its field profile), who approves a school's "
        "request, the age from which pupils consent too."
    ),
    READINESS: _(
        "Infrastructure: the readiness thresholds and planning parameters it names (its values "
        "override the settings page while in force)."
    ),
    UNIT_COSTS: _("Infrastructure: the unit cost of each device category it names, in procurement planning."),
    FRAMEWORK_LEVELS: _(
        "Monitoring: the school levels each framework it names evaluates (which schools a campaign covers)."
    ),
}
