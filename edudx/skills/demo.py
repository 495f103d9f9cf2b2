"""Demo data for skills: certificates held by a share of staff and pupils (half verified against
an issuer's list), a target level per position, this year's self-assessment campaign with a
share of staff confirmed, and a few unmatched test-centre results to review. Bulk writes, history
in bulk; at city scale the same shares over at most 20,000 staff and 60,000 pupils."""

from __future__ import annotations

import datetime as dt

from edudx.core import history
from edudx.core.campaigns import default_deadlines
from edudx.core.demo import DemoContext
from edudx.core.rules.people import Position, StaffStatus
from edudx.registry import selectors as registry

from .models import (
    Campaign,
    Certificate,
    Competence,
    ExamResult,
    Framework,
    IssuerNumber,
    Level,
    PersonCertificate,
    PupilLevel,
    Rating,
    SelfAssessment,
    TargetLevel,
    TrainingRecord,
)
from .services.common import city_path

ORDER = 80
STAFF_CERTS = ("TT03_BASIC", "IC3_GS6", "MOS_WORD_2019", "MOS_EXCEL_2019", "TT03_ADVANCED")
PUPIL_CERTS = ("IC3_SPARK", "IC3_GS6", "MOS_WORD_2019")


def _school_year(today: dt.date) -> str:
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def build(ctx: DemoContext) -> None:
    rng, scope = ctx.rng, ctx.actor.scope
    certs = {c.code: c for c in Certificate.objects.filter(code__in=STAFF_CERTS + PUPIL_CERTS)}
    cap_staff, cap_pupils = (20_000, 60_000) if ctx.scale == "city" else (10**9, 10**9)
    staff = list(
        registry.staff_list(scope=scope)[0]
        .filter(status=StaffStatus.WORKING, school__isnull=False)
        .order_by("pk")
        .values_list("pk", "school_id", "school__unit__path", "position")[:cap_staff]
    )
    pupils = list(
        registry.student_list(scope=scope)[0]
        .filter(school__isnull=False)
        .order_by("pk")
        .values_list("pk", "school_id", "school__unit__path")[:cap_pupils]
    )
    pcs: list[PersonCertificate] = []
    n = 0
    for pk, sid, path, _pos in staff:
        if rng.random() < 0.45:
            n += 1
            code = rng.choice(STAFF_CERTS)
            pcs.append(
                PersonCertificate(
                    certificate=certs[code], staff_id=pk, school_id=sid, unit_path=path, number=f"DEMO-S{n:06d}",
                    issued_on=ctx.today - dt.timedelta(days=rng.randrange(60, 2000)),
                    state=rng.choice([PersonCertificate.State.VERIFIED, PersonCertificate.State.CLAIMED]),
                    source=PersonCertificate.Source.IMPORT,
                )
            )  # fmt: skip
    for pk, sid, path in pupils:
        if rng.random() < 0.12:
            n += 1
            pcs.append(
                PersonCertificate(
                    certificate=certs[rng.choice(PUPIL_CERTS)], student_id=pk, school_id=sid, unit_path=path,
                    number=f"DEMO-P{n:06d}", issued_on=ctx.today - dt.timedelta(days=rng.randrange(30, 700)),
                    state=PersonCertificate.State.VERIFIED, source=PersonCertificate.Source.IMPORT,
                )
            )  # fmt: skip
    PersonCertificate.objects.bulk_create(pcs, batch_size=2000)
    IssuerNumber.objects.bulk_create(
        [
            IssuerNumber(certificate=p.certificate, number=p.number, issued_on=p.issued_on)
            for p in pcs
            if p.state == "verified"
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    history.record_bulk(
        actor=ctx.actor,
        model=PersonCertificate,
        entries=[(p.pk, str(p), "create", {"state": [None, p.state]}) for p in pcs],
        operation="demo",
    )
    ctx.log(f"skills: {len(pcs):,} certificates")
    campaign = _campaign(ctx, staff)
    _unmatched(ctx, certs["IC3_GS6"])
    _training(ctx, campaign)
    _pupil_levels(ctx)


def _campaign(ctx: DemoContext, staff: list[tuple[int, int, str, str]]) -> Campaign:
    rng = ctx.rng
    fw = Framework.objects.get(audience=Framework.Audience.TEACHER)
    TargetLevel.objects.bulk_create(
        [
            TargetLevel(framework=fw, position=Position.TEACHER, rank=2),
            TargetLevel(framework=fw, position=Position.PRINCIPAL, rank=3),
            TargetLevel(framework=fw, position=Position.VICE_PRINCIPAL, rank=2),
        ],
        ignore_conflicts=True,
    )
    year = _school_year(ctx.today)
    d_self, d_review = default_deadlines(year)
    owner_path = city_path()
    from edudx.orgs import selectors as org_selectors

    owner = org_selectors.root_units().get(path=owner_path)
    campaign = Campaign.objects.create(
        framework=fw, owner=owner, name=f"Tự đánh giá năng lực số {year}", school_year=year,
        self_deadline=max(d_self, ctx.today + dt.timedelta(days=30)),
        review_deadline=max(d_review, ctx.today + dt.timedelta(days=50)), state=Campaign.State.OPEN,
    )  # fmt: skip
    comps = list(Competence.objects.filter(framework=fw).values_list("pk", flat=True))
    rows = []
    for pk, sid, path, pos in staff:
        r = rng.random()
        status = (
            "confirmed" if r < 0.4 else "submitted" if r < 0.55 else "draft" if r < 0.7 else "not_started"
        )
        rows.append(
            SelfAssessment(
                campaign=campaign, staff_id=pk, school_id=sid, unit_path=path, position=pos, status=status
            )
        )
    SelfAssessment.objects.bulk_create(rows, batch_size=2000)
    ratings = [
        Rating(assessment=a, competence_id=c, rank=min(3, max(1, round(rng.gauss(2.0, 0.7)))))
        for a in rows
        if a.status != "not_started"
        for c in comps
    ]
    Rating.objects.bulk_create(ratings, batch_size=5000)
    ctx.log(f"skills: campaign with {len(rows):,} self-assessments, {len(ratings):,} ratings")
    return campaign


def _training(ctx: DemoContext, campaign: Campaign) -> None:
    """Trainings a share of the staff below target completed since the campaign (at most 2,000)."""
    gaps = (
        Rating.objects.filter(assessment__campaign=campaign, assessment__status="confirmed", rank__lt=2)
        .order_by("pk")
        .values_list(
            "assessment__staff_id", "assessment__school_id", "assessment__unit_path", "competence_id"
        )[:20_000]
    )
    done = ctx.today - dt.timedelta(days=5)
    rows = [
        TrainingRecord(
            staff_id=st,
            school_id=sid,
            unit_path=path,
            competence_id=comp,
            title="Bồi dưỡng năng lực số",
            provider="Sở GDĐT",
            completed_on=done,
            hours=15,
            source=TrainingRecord.Source.IMPORT,
        )  # fmt: skip
        for st, sid, path, comp in gaps
        if ctx.rng.random() < 0.1
    ][:2000]
    TrainingRecord.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ctx.log(f"skills: {len(rows):,} training records")


def _pupil_levels(ctx: DemoContext) -> None:
    """Levels in the learners' framework's first four competences for the pupils of 30 classes."""
    fw = Framework.objects.filter(audience=Framework.Audience.LEARNER).first()
    year = registry.current_year()
    if fw is None or year is None:
        return
    levels = list(Level.objects.filter(framework=fw, grade_from__isnull=False).order_by("rank"))
    comps = list(Competence.objects.filter(framework=fw).order_by("order").values_list("pk", flat=True)[:4])
    classes = list(registry.class_list(scope=ctx.actor.scope)[0].filter(year=year).order_by("pk")[:30])
    pupils = (
        registry.student_list(scope=ctx.actor.scope)[0]
        .filter(enrolments__school_class__in=classes, enrolments__state="active")
        .values_list("pk", "school_id", "school__unit__path", "enrolments__school_class__grade")
    )
    rows = []
    for pk, sid, path, grade in pupils:
        band = next((lv for lv in levels if (lv.grade_from or 0) <= grade <= (lv.grade_to or 0)), levels[0])
        for comp in comps:
            below = ctx.rng.random() < 0.25 and band.rank > 1
            level = levels[band.rank - 2] if below else band
            rows.append(
                PupilLevel(
                    student_id=pk,
                    school_id=sid,
                    unit_path=path,
                    competence_id=comp,
                    level=level,
                    school_year=year.code,
                    grade=grade,
                )  # fmt: skip
            )
    PupilLevel.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ctx.log(f"skills: {len(rows):,} pupils' competence levels")


def _unmatched(ctx: DemoContext, cert: Certificate) -> None:
    path = city_path()
    ExamResult.objects.bulk_create(
        [
            ExamResult(
                certificate=cert,
                number=f"DEMO-U{i:04d}",
                candidate_name=name,
                date_of_birth=dt.date(2012, 3, i + 1),
                level="Level 1",
                taken_on=ctx.today - dt.timedelta(days=20),
                unit_path=path,
            )  # fmt: skip
            for i, name in enumerate(["Nguyễn Văn Khoa", "Trần Thị Mai", "Lê Hoàng Nam"])
        ],
        ignore_conflicts=True,
    )
