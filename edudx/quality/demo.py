"""Demo duplicates: a few pupils typed again at another school of the same level, the way
schools do it (no accents, family name last, no personal ID, another phone), and their
candidate pairs waiting for review — so the queue shows something on first start. The pairs
are what `edudx dedupe` finds on them; the demo does not train a model (it would cost the
demo's budget), a real run does. Then two reporting deadlines and today's scorecards."""

from __future__ import annotations

from edudx.core.demo import DemoContext
from edudx.core.text import fold
from edudx.registry import selectors as registry
from edudx.registry import services as registry_services
from edudx.registry.schemas import StudentFields

from .models import CandidatePair, ReportingDeadline

ORDER = 95
COPIES = 6


def _retyped(name: str, k: int) -> str:
    words = fold(name).split() if k % 2 == 0 else name.split()
    if k % 3 == 1 and len(words) > 1:
        words = words[1:] + words[:1]
    return " ".join(w.capitalize() for w in words)


def build(ctx: DemoContext) -> None:
    if ctx.scale != "small":
        return
    schools, _order = registry.school_list(scope=ctx.actor.scope)
    by_level: dict[str, list] = {}
    for school in schools:
        by_level.setdefault(school.level, []).append(school)
    students, _order = registry.student_list(scope=ctx.actor.scope)
    made = 0
    for student in students.order_by("id")[:400:67]:
        if student.school is None or made >= COPIES:
            continue
        others = [s for s in by_level.get(student.school.level, []) if s.pk != student.school_id]
        if not others:
            continue
        school = ctx.rng.choice(others)
        copy = registry_services.student_create(
            actor=ctx.actor,
            school=school,
            data=StudentFields(
                full_name=_retyped(student.full_name, made),
                gender=student.gender,
                date_of_birth=student.date_of_birth,
                personal_id=None,
                moet_code=f"99{student.pk:08d}",
                parent_phone=f"09{ctx.rng.randrange(10**8):08d}",
                father_name=student.father_name,
                mother_name=student.mother_name,
            ),
        )
        lo, hi = sorted((student, copy), key=lambda s: s.pk)
        CandidatePair.objects.create(
            kind="students", record_a=lo.pk, record_b=hi.pk, school_a_id=lo.school_id, school_b_id=hi.school_id,
            probability=round(0.9 + 0.015 * (COPIES - made), 3),
        )  # fmt: skip
        made += 1
    ctx.log(f"quality: {made} duplicate pupils and their candidate pairs")
    _calendar_and_scores()


def _calendar_and_scores() -> None:
    """Two reporting deadlines of this school year and today's scorecards (the trend's first point)."""
    import datetime as dt

    from .services import rules

    year = registry.current_year()
    if year is not None:
        for name, days in (("Số liệu đầu năm", 40), ("Số liệu giữa học kỳ I", 100)):
            ReportingDeadline.objects.get_or_create(
                due=year.start_date + dt.timedelta(days=days), defaults={"name": name, "window_days": 30}
            )
    rules.snapshot_take()
