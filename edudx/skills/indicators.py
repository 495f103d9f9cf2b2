"""Skills indicators offered to monitoring as automatic evidence (issue #16 item 6).

4725 criterion I.6 scores teachers: the share with an online-training account (7), the share
using software to renew teaching (7), the share able to build digital materials (6). Group II
asks about the staff who run the school's digital work; the IT-skills standard shares below
support II.1 *(verify: 4725 names no staff competence item in Group II)*. Values per school, from
the maintained coverage and heatmap figures and the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_lazy as _

from edudx.core import aggregates
from edudx.core.indicators import indicator
from edudx.core.rules.people import Position, StaffStatus
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .models import Campaign, Competence
from .services.common import COVERAGE, HEATMAP

FRESHNESS = _(
    "Maintained figures: certificates and confirmed self-assessments, refreshed within a minute of a change."
)
TEACHER = Position.TEACHER.value
MANAGERS = (Position.PRINCIPAL.value, Position.VICE_PRINCIPAL.value)
# Teachers' framework competences behind the I.6 sub-items (data/shipped.json).
SOFTWARE, MATERIALS = "T3.2", "T3.1"


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _teachers_confirmed_at(school_ids: Iterable[int], code: str, rank: int = 2) -> dict[int, Any]:
    ids = list(school_ids)
    campaign = Campaign.objects.exclude(state=Campaign.State.DRAFT).order_by("-school_year", "-id").first()
    if campaign is None:
        return dict.fromkeys(ids)
    comp = (
        Competence.objects.filter(framework_id=campaign.framework_id, code=code)
        .values_list("pk", flat=True)
        .first()
    )
    heat = aggregates.read(HEATMAP, ids).data
    cover = aggregates.read(COVERAGE, ids).data
    out: dict[int, Any] = {}
    for sid in ids:
        hist = (heat.get(sid) or {}).get(str(campaign.pk), {}).get(TEACHER, {}).get(str(comp), {})
        teachers = (cover.get(sid) or {}).get("staff", {}).get(TEACHER, 0)
        out[sid] = _share(sum(n for r, n in hist.items() if int(r) >= rank), teachers)
    return out


@indicator(
    code="skills.teachers_online_account",
    name=_("Share of teachers with an online-training account"),
    unit="percent",
    formula=_(
        "Working teachers whose staff record has a login ÷ working teachers × 100 (verify: until the learning "
        "app exists, an edudx login stands for the training platform's account)"
    ),
    freshness=_("Live: the registry's staff records."),
    criteria=("4725:I.6",),
)
def teachers_online_account(school_ids: Iterable[int]) -> dict[int, Any]:
    ids = list(school_ids)
    qs = registry.staff_list(scope=Scope.system())[0].filter(
        school_id__in=ids, position=TEACHER, status=StaffStatus.WORKING
    )
    total: dict[int, int] = {}
    linked: dict[int, int] = {}
    for sid, user_id in qs.order_by().values_list("school_id", "user_id"):
        total[sid] = total.get(sid, 0) + 1
        linked[sid] = linked.get(sid, 0) + (user_id is not None)
    return {sid: _share(linked.get(sid, 0), total.get(sid, 0)) for sid in ids}


@indicator(
    code="skills.teachers_software",
    name=_("Share of teachers using software to renew teaching"),
    unit="percent",
    formula=_(
        "Teachers whose confirmed self-assessment rates T3.2 at level 2 or above ÷ working teachers × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:I.6",),
)
def teachers_software(school_ids: Iterable[int]) -> dict[int, Any]:
    return _teachers_confirmed_at(school_ids, SOFTWARE)


@indicator(
    code="skills.teachers_materials",
    name=_("Share of teachers able to build digital learning materials"),
    unit="percent",
    formula=_(
        "Teachers whose confirmed self-assessment rates T3.1 at level 2 or above ÷ working teachers × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:I.6",),
)
def teachers_materials(school_ids: Iterable[int]) -> dict[int, Any]:
    return _teachers_confirmed_at(school_ids, MATERIALS)


def _standard(school_ids: Iterable[int], positions: tuple[str, ...] | None) -> dict[int, Any]:
    ids = list(school_ids)
    cover = aggregates.read(COVERAGE, ids).data
    out: dict[int, Any] = {}
    for sid in ids:
        fig = cover.get(sid) or {}
        staff = {k: v for k, v in fig.get("staff", {}).items() if positions is None or k in positions}
        held = {
            k: v
            for k, v in fig.get("staff_cert", {}).get("std:basic", {}).items()
            if positions is None or k in positions
        }
        out[sid] = _share(sum(held.values()), sum(staff.values()))
    return out


@indicator(
    code="skills.staff_it_standard",
    name=_("Share of staff meeting the basic IT-skills standard"),
    unit="percent",
    formula=_(
        "Working staff holding a certificate (or modules) meeting Circular 03/2014's basic standard ÷ working staff × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:II.1",),
)
def staff_it_standard(school_ids: Iterable[int]) -> dict[int, Any]:
    return _standard(school_ids, None)


@indicator(
    code="skills.managers_it_standard",
    name=_("Share of principals and vice principals meeting the basic IT-skills standard"),
    unit="percent",
    formula=_(
        "Principals and vice principals meeting Circular 03/2014's basic standard ÷ principals and vice principals × 100"
    ),
    freshness=FRESHNESS,
    criteria=("4725:II.1",),
)
def managers_it_standard(school_ids: Iterable[int]) -> dict[int, Any]:
    return _standard(school_ids, MANAGERS)
