"""Demo evaluation data: last year's campaign, published, and this year's in progress.

Each school gets a hidden "digital maturity" that carries over from one year to the next
(with some progress), so levels spread realistically: most schools at Level 2, a strong
third at Level 3, a tail at Level 1 and a few that miss a mandatory condition. Rows are
written in bulk (the same builder serves bench/monitoring_dashboards.py at city scale).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.demo import DemoContext
from edudx.orgs import selectors as org_selectors
from edudx.registry import selectors as registry_selectors
from edudx.registry.filters import SchoolFilter

from . import services
from .models import Assessment, Campaign, Criterion, Entry, Evidence, Framework, GroupResult

ORDER = 60
HALF = Decimal("0.5")
SELF_DEADLINE_AHEAD = dt.timedelta(weeks=3)
REVIEW_DEADLINE_AHEAD = dt.timedelta(weeks=6)

# Share of schools per status in a campaign still in progress (mid-March).
IN_PROGRESS_MIX = [
    (Assessment.Status.NOT_STARTED, 0.22),
    (Assessment.Status.DRAFT, 0.33),
    (Assessment.Status.SUBMITTED, 0.17),
    (Assessment.Status.RETURNED, 0.08),
    (Assessment.Status.APPROVED, 0.20),
]


@dataclass(frozen=True)
class SchoolRow:
    pk: int
    path: str
    parent_id: int
    level: str
    ownership: str


def school_rows(actor: Actor) -> list[SchoolRow]:
    qs, _order = registry_selectors.school_list(scope=actor.scope, filters=SchoolFilter())
    return [
        SchoolRow(pk, path, parent, level, ownership)
        for pk, path, parent, level, ownership in qs.order_by("unit__path").values_list(
            "pk", "unit__path", "unit__parent_id", "level", "ownership"
        )
        if parent is not None  # a school always sits under a unit
    ]


def maturity(rng: random.Random, row: SchoolRow) -> float:
    base = rng.betavariate(5.2, 2.3)  # mean ≈ 0.69
    if row.ownership != "cong_lap":
        base += 0.04
    if row.level == "MN":
        base -= 0.08
    return min(max(base, 0.05), 0.99)


def _pick(rng: random.Random, mix) -> str:
    x, acc = rng.random(), 0.0
    for status, share in mix:
        acc += share
        if x < acc:
            return status
    return mix[-1][0]


def _round_half(x: float, cap: Decimal) -> Decimal:
    d = (Decimal(str(x)) / HALF).quantize(Decimal(1)) * HALF
    return min(max(d, Decimal(0)), cap)


def bulk_build(
    *,
    campaign: Campaign,
    rows: list[SchoolRow],
    skill: dict[int, float],
    rng: random.Random,
    status_of,
    at: dt.datetime,
    actor: Actor | None = None,
    with_evidence: bool = False,
) -> int:
    """Write assessments, entries and group results for `rows` in bulk. `status_of(row)` gives each
    school's status; entries exist for every status but "not started"; a draft is half filled."""
    groups = list(campaign.framework.groups.order_by("order"))
    criteria = list(
        Criterion.objects.filter(group__framework=campaign.framework)
        .prefetch_related("subitems")
        .order_by("group__order", "order")
    )
    statuses = {r.pk: status_of(r) for r in rows}
    Assessment.objects.bulk_create(
        [
            Assessment(
                campaign=campaign,
                school_id=r.pk,
                unit_path=r.path,
                supervisor_id=r.parent_id,
                school_level=r.level,
                ownership=r.ownership,
                status=statuses[r.pk],
                version=1,
                submitted_at=at if statuses[r.pk] not in ("not_started", "draft") else None,
                submit_count=1 if statuses[r.pk] not in ("not_started", "draft") else 0,
                approved_at=at if statuses[r.pk] in ("approved", "published") else None,
                published_at=at if statuses[r.pk] == "published" else None,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    ids = dict(Assessment.objects.filter(campaign=campaign).values_list("school_id", "pk"))
    entries: list[Entry] = []
    results: list[GroupResult] = []
    for r in rows:
        status = statuses[r.pk]
        if status == Assessment.Status.NOT_STARTED:
            continue
        aid = ids[r.pk]
        q = skill[r.pk]
        totals = {g.pk: Decimal(0) for g in groups}
        met_all = {g.pk: True for g in groups}
        filled_all = status != Assessment.Status.DRAFT
        for i, c in enumerate(criteria):
            if not filled_all and i % 2:
                entries.append(Entry(assessment_id=aid, criterion=c, max_points=c.max_points))
                met_all[c.group_id] = met_all[c.group_id] and c.kind != Criterion.Kind.MANDATORY
                continue
            e = Entry(assessment_id=aid, criterion=c, max_points=c.max_points, version=1)
            if c.kind == Criterion.Kind.MANDATORY:
                e.met = rng.random() < 0.93 + 0.06 * q
                met_all[c.group_id] = met_all[c.group_id] and e.met
            else:
                subs = list(c.subitems.all())
                # the weakest areas of the sector: studios, computer-based testing, health module
                hard = c.code in ("I.5", "I.7") or c.code.startswith("II.4")
                local = max(0.0, min(1.0, q + rng.gauss(-0.12 if hard else 0.03, 0.14)))
                if subs:
                    parts = {
                        s.code: _round_half(
                            float(s.max_points) * min(1.0, local + rng.gauss(0, 0.1)), s.max_points
                        )
                        for s in subs
                    }
                    e.sub_points = {k: str(v) for k, v in parts.items()}
                    e.points = sum(parts.values(), Decimal(0))
                else:
                    e.points = _round_half(float(c.max_points) * local, c.max_points)
                e.value = ""
                totals[c.group_id] += e.points
            entries.append(e)
        for g in groups:
            level = services.level_for(
                totals[g.pk],
                level2_min=g.level2_min,
                level3_above=g.level3_above,
                mandatory_met=met_all[g.pk],
            )
            results.append(
                GroupResult(
                    assessment_id=aid, group=g, points=totals[g.pk], mandatory_met=met_all[g.pk], level=level
                )
            )
    Entry.objects.bulk_create(entries, batch_size=5000)
    GroupResult.objects.bulk_create(results, batch_size=5000)
    if with_evidence:
        _evidence(campaign, rng)
    if actor is not None:
        log = []
        for a in Assessment.objects.filter(campaign=campaign).exclude(status__in=["not_started", "draft"]):
            log.append(
                {
                    "obj": a,
                    "action": "status",
                    "operation": "assessment_submit",
                    "changes": {"status": ["draft", "submitted"]},
                }
            )
            if a.status in ("approved", "published"):
                log.append(
                    {
                        "obj": a,
                        "action": "status",
                        "operation": "assessment_approve",
                        "changes": {"status": ["submitted", "approved"]},
                    }
                )
            if a.status == "published":
                log.append(
                    {
                        "obj": a,
                        "action": "status",
                        "operation": "assessment_publish",
                        "changes": {"status": ["approved", "published"]},
                    }
                )
            if a.status == "returned":
                log.append(
                    {
                        "obj": a,
                        "action": "status",
                        "operation": "assessment_return",
                        "changes": {"status": ["submitted", "returned"]},
                        "note": "Bổ sung minh chứng tiêu chí I.5",
                    }
                )
        history.record_many(log, actor=actor)
    return len(rows)


EVIDENCE_TITLES = {
    "I.1": "Kế hoạch dạy học trực tuyến kết hợp trực tiếp (đã ký)",
    "I.2": "Quy chế tổ chức dạy học trực tuyến",
    "I.3": "Hợp đồng bản quyền phần mềm và ảnh chụp LMS",
    "I.4": "Danh mục học liệu số của trường",
    "I.5": "Kế hoạch kiểm tra trên máy tính học kỳ I",
    "I.6": "Danh sách giáo viên có tài khoản bồi dưỡng trực tuyến",
    "I.7": "Biên bản kiểm kê thiết bị phòng học",
    "II.1": "Quyết định phân công phụ trách chuyển đổi số",
    "II.2": "Kế hoạch ứng dụng CNTT năm học",
    "II.3": "Ảnh chụp các phân hệ phần mềm quản trị",
    "II.4": "Đường dẫn dịch vụ trực tuyến và số liệu sử dụng",
}


def _evidence(campaign: Campaign, rng: random.Random) -> None:
    """Links as evidence on most filled criteria (demo files would be invented documents)."""
    rows = Entry.objects.filter(assessment__campaign=campaign).exclude(points__isnull=True, met__isnull=True)
    out = []
    for eid, code, moet in rows.values_list("pk", "criterion__code", "assessment__school__moet_code"):
        if rng.random() < 0.75:
            slug = code.lower().replace(".", "-")
            out.append(
                Evidence(
                    entry_id=eid,
                    kind=Evidence.Kind.LINK,
                    title=EVIDENCE_TITLES.get(code, code),
                    url=f"https://minhchung.example.edu.vn/{moet}/{slug}",
                )
            )
    Evidence.objects.bulk_create(out, batch_size=5000)


def framework_for(actor: Actor, year: int) -> Framework:
    """The 4725 framework of `year`: the one on record, else a clone of the nearest earlier one
    (the data migration ships 2025's; a demo loaded in a later year clones it forward)."""
    found = Framework.objects.filter(code="4725", year=year).first()
    if found is not None:
        return found
    base = (
        Framework.objects.filter(code="4725", year__lt=year).order_by("-year").first()
        or Framework.objects.filter(code="4725").order_by("year").first()
    )
    if base is None:
        raise LookupError("framework 4725 is not loaded (migration monitoring 0002)")
    return services.framework_clone(actor=actor, framework=base, year=year)


@transaction.atomic
def build(ctx: DemoContext) -> None:
    actor = ctx.actor
    rows = school_rows(actor)
    if not rows:
        ctx.log("monitoring: no schools, nothing to evaluate")
        return
    dept = org_selectors.unit_list(scope=actor.scope, kind="department").first()
    if dept is None:
        ctx.log("monitoring: no department, nothing to evaluate")
        return
    # The school year containing today (it opens in September) is the current one; its
    # framework is the one of the year it ends in, last year's the one before.
    end = ctx.today.year if ctx.today.month < 9 else ctx.today.year + 1
    last_fw = framework_for(actor, end - 1)
    this_fw = framework_for(actor, end)
    # 4725 evaluates general and continuing education: a preschool has no self-assessment
    rows = [r for r in rows if not this_fw.levels or r.level in this_fw.levels]
    rng = ctx.rng
    skill = {r.pk: maturity(rng, r) for r in rows}

    last_year, this_year = f"{end - 2}-{end - 1}", f"{end - 1}-{end}"
    last = services.campaign_create(
        actor=actor,
        framework=last_fw,
        owner=dept,
        name=f"Đánh giá chuyển đổi số năm học {last_year}",
        school_year=last_year,
    )
    at_last = dt.datetime(end - 1, 6, 18, 3, 0, tzinfo=dt.UTC)
    Campaign.objects.filter(pk=last.pk).update(state=Campaign.State.PUBLISHED, published_at=at_last)
    last_fw.state = Framework.State.ACTIVE
    last_fw.save(update_fields=["state"])
    bulk_build(
        campaign=last,
        rows=rows,
        skill=skill,
        rng=rng,
        status_of=lambda r: Assessment.Status.PUBLISHED,
        at=at_last,
        actor=actor,
        with_evidence=True,
    )

    # the authority index (3806) of last year, on the schools' published results
    from . import demo_authority

    ctx.log(
        demo_authority.build(
            actor=actor,
            dept=dept,
            school_year=last_year,
            rng=random.Random(f"3806-{last_year}"),
        )
    )

    # a year of progress, unevenly spread
    skill = {k: min(0.99, v + rng.uniform(-0.02, 0.09)) for k, v in skill.items()}
    current = services.campaign_create(
        actor=actor,
        framework=this_fw,
        owner=dept,
        name=f"Đánh giá chuyển đổi số năm học {this_year}",
        school_year=this_year,
        # open, with its deadlines a few weeks ahead whatever the day of the load
        self_deadline=ctx.today + SELF_DEADLINE_AHEAD,
        review_deadline=ctx.today + REVIEW_DEADLINE_AHEAD,
    )
    Campaign.objects.filter(pk=current.pk).update(state=Campaign.State.OPEN)
    this_fw.state = Framework.State.ACTIVE
    this_fw.save(update_fields=["state"])
    # yesterday: submissions and approvals lie in the past whatever the hour of the load
    at_now = dt.datetime.combine(ctx.today - dt.timedelta(days=1), dt.time(2, 0), tzinfo=dt.UTC)
    bulk_build(
        campaign=current,
        rows=rows,
        skill=skill,
        rng=rng,
        status_of=lambda r: _pick(rng, IN_PROGRESS_MIX),
        at=at_now,
        actor=actor,
        with_evidence=True,
    )
    # the self-assessments still open arrive pre-filled with their automatic points
    current.state = Campaign.State.OPEN
    filled = services.campaign_autoscore(actor=actor, campaign=current)
    ctx.log(
        f"monitoring: campaigns {last_year} (published) and {this_year} (open) over {len(rows):,} schools; "
        f"automatic points filled in {filled:,} open self-assessments"
    )
