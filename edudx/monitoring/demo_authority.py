"""Demo of the authority index (Decision 3806): last year's campaign over the department and its
wards, so the small demo shows a ward's assessment and the ranking. The group on the schools
managed is scored automatically from last year's published school results; the leadership
group is self-assessed by each unit with a comment as its evidence; most units are approved and
published (ranked), one ward is left waiting for the department's review."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from edudx.core.actor import Actor

from . import services
from .models import Assessment, Campaign, Criterion, Framework
from .schemas import EntryIn

LEADERSHIP = "1"  # the group the unit assesses itself; group 2 is computed from its schools
NOTES = (
    "Kế hoạch chuyển đổi số năm học đã ban hành, có phân công đầu mối.",
    "Ban chỉ đạo họp định kỳ; biên bản lưu tại văn phòng.",
    "Ứng dụng dữ liệu ngành trong chỉ đạo, điều hành; báo cáo định kỳ trên nền tảng.",
)


def _leadership(actor: Actor, a: Assessment, rng: random.Random, skill: float) -> None:
    services.assessment_ensure_entries(a)
    for e in a.entries.select_related("criterion__group").filter(criterion__group__code=LEADERSHIP):
        c = e.criterion
        if c.kind == Criterion.Kind.MANDATORY:
            data: dict[str, object] = {"met": "1"}
        else:
            ratio = min(1.0, max(0.2, rng.gauss(skill, 0.12)))
            points = (Decimal(str(float(c.max_points or 0) * ratio))).quantize(Decimal("0.5"))
            data = {"points": str(points), "comment": rng.choice(NOTES)}
        services.entry_save(actor=actor, entry=e, data=EntryIn.model_validate(data), version=e.version)


def build(*, actor: Actor, dept: Any, school_year: str, rng: random.Random) -> str:
    today = services.today()  # the service's clock decides whether the unit may still edit
    framework = Framework.objects.filter(code="3806").order_by("-year").first()
    if framework is None:
        return "monitoring: framework 3806 is not loaded, no authority index"
    c = services.campaign_create(
        actor=actor,
        framework=framework,
        owner=dept,
        name=f"Chỉ số chuyển đổi số của cơ quan quản lý giáo dục năm học {school_year}",
        school_year=school_year,
        self_deadline=today + dt.timedelta(days=1),
        review_deadline=today + dt.timedelta(days=2),
    )
    services.campaign_transition(actor=actor, campaign=c, to=Campaign.State.OPEN)
    c.refresh_from_db()
    services.campaign_autoscore(actor=actor, campaign=c)  # the group on the schools managed
    units = list(c.assessments.select_related("authority").order_by("unit_path"))
    waiting = units[-1] if len(units) > 2 else None  # one ward left for the department's review
    for a in units:
        _leadership(actor, a, rng, rng.uniform(0.55, 0.95))
        services.assessment_submit(actor=actor, assessment=a)
        if a == waiting:
            continue
        services.assessment_approve(actor=actor, assessment=a)
        services.assessment_publish(actor=actor, assessment=a)
    # the self-assessment is over (the department reviews the last ward); it ran last year
    services.campaign_transition(actor=actor, campaign=c, to=Campaign.State.REVIEW)
    end = int(school_year[-4:])
    Campaign.objects.filter(pk=c.pk).update(
        self_deadline=dt.date(end, 6, 30), review_deadline=dt.date(end, 7, 15)
    )
    return f"monitoring: authority index {school_year} over {len(units)} units ({len(units) - bool(waiting)} ranked)"
