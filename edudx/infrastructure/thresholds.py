"""Readiness thresholds and planning parameters: defaults here, overrides in the Threshold
table (editable by the department without a deploy), and above both the values a readiness
or unit-cost policy in force names (policies app: versioned, with effective dates)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from edudx.policies import selectors as policies


@dataclass(frozen=True)
class Parameter:
    code: str
    default: Decimal
    label: Any
    help: Any


PARAMETERS: tuple[Parameter, ...] = (
    Parameter(
        "max_pupils_per_computer",
        Decimal(20),
        _("Most pupils per working computer"),
        _("Desktops, laptops and tablets in use."),
    ),
    Parameter(
        "min_presentation_share",
        Decimal("0.8"),
        _("Least share of classrooms with a projector or display and Internet"),
        _("4725 criterion I.7: classrooms with a projector/display and Internet."),
    ),
    Parameter(
        "min_kbps_per_pupil",
        Decimal(50),
        _("Least bandwidth per pupil (kbit/s)"),
        _("Sum of active connections' download speed divided by pupils."),
    ),
    Parameter(
        "min_lab_ratio",
        Decimal(1),
        _("Least computer-lab capacity against Informatics periods"),
        _("Lab periods available per week divided by Informatics periods needed per week."),
    ),
    Parameter("lab_periods_per_week", Decimal(30), _("Periods a computer lab can host per week"), ""),
    Parameter(
        "informatics_periods_per_class",
        Decimal(1),
        _("Informatics periods per class per week"),
        _("GDPT 2018: 35 periods a year from grade 3."),
    ),
    Parameter("informatics_from_grade", Decimal(3), _("First grade with Informatics"), ""),
    Parameter("max_broken_share", Decimal("0.15"), _("Most share of devices broken or needing repair"), ""),
    Parameter("max_device_age_years", Decimal(7), _("Age from which a device counts as old (years)"), ""),
    Parameter("max_old_share", Decimal("0.3"), _("Most share of old devices"), ""),
    Parameter(
        "min_digital_record_share",
        Decimal("0.8"),
        _("Least share of equipment under digital records"),
        _("National target (Decision 131/QĐ-TTg): 80 %."),
    ),
    Parameter(
        "mbps_unit_cost_vnd",
        Decimal(200000),
        _("Monthly cost of one extra Mbps (VND)"),
        _("Used to price bandwidth upgrades in procurement planning."),
    ),
)
BY_CODE = {p.code: p for p in PARAMETERS}

DEFAULT_UNIT_COSTS_VND: dict[str, int] = {
    "desktop": 14_000_000, "laptop": 16_000_000, "tablet": 7_000_000, "projector": 12_000_000,
    "display": 45_000_000, "tv": 18_000_000, "camera": 3_000_000, "document_camera": 5_000_000,
    "server": 60_000_000, "network": 4_000_000, "printer": 5_000_000, "other": 2_000_000,
}  # fmt: skip


def current() -> dict[str, Decimal]:
    from .models import Threshold

    values = {p.code: p.default for p in PARAMETERS}
    values.update({t.code: t.value for t in Threshold.objects.filter(code__in=list(BY_CODE))})
    # A readiness policy in force (policies app, versioned with effective dates) overrides both.
    values.update({k: v for k, v in policies.readiness_thresholds().items() if k in BY_CODE})
    return values


def unit_costs() -> dict[str, int]:
    from .models import UnitCost

    costs = dict(DEFAULT_UNIT_COSTS_VND)
    costs.update({u.category: u.cost_vnd for u in UnitCost.objects.all()})
    costs.update({k: v for k, v in policies.unit_costs().items() if k in DEFAULT_UNIT_COSTS_VND})
    return costs
