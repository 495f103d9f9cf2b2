"""Demo learning records: an xAPI key for some demo schools (a partner app and the school's
own LMS) and a few thousand statements of students doing lessons and quizzes in the weeks
before the demo date — Vietnamese activity names, realistic verbs, scores and durations."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from edudx.core.demo import DemoContext
from edudx.registry import selectors as registry

from . import services
from .xapi.store import iso, store_statements
from .xapi.validate import V2, validate_statement

ORDER = 50
SECONDARY_LEVELS = ("THCS", "TH_THCS", "THCS_THPT")
SCHOOLS = 6
STATEMENTS_PER_SCHOOL = 600
HOME = "https://lms.edudx.hcm.edu.vn"

LESSONS = [
    ("toan-6-phan-so", "Toán 6 – Phân số"),
    ("toan-7-ti-le-thuc", "Toán 7 – Tỉ lệ thức"),
    ("ngu-van-6-truyen-co-tich", "Ngữ văn 6 – Truyện cổ tích"),
    ("khtn-7-nguyen-tu", "Khoa học tự nhiên 7 – Nguyên tử"),
    ("tieng-anh-8-unit-3", "Tiếng Anh 8 – Unit 3: Teenagers"),
    ("lich-su-dia-li-6-van-lang", "Lịch sử và Địa lí 6 – Nhà nước Văn Lang"),
    ("tin-hoc-9-bang-tinh", "Tin học 9 – Bảng tính điện tử"),
    ("gdcd-8-le-phep", "Giáo dục công dân 8 – Lễ phép"),
]
COURSES = {  # the course a lesson belongs to: its IRI slug (the lesson slug's first word) → name
    "toan": "Toán THCS – học kết hợp",
    "ngu": "Ngữ văn THCS – đọc hiểu",
    "khtn": "Khoa học tự nhiên THCS",
    "tieng": "Tiếng Anh THCS – Global Success",
    "lich": "Lịch sử và Địa lí THCS",
    "tin": "Tin học THCS – ứng dụng văn phòng",
    "gdcd": "Giáo dục công dân THCS",
}
VERBS = {
    "launched": ("http://adlnet.gov/expapi/verbs/launched", "đã mở"),
    "experienced": ("http://adlnet.gov/expapi/verbs/experienced", "đã xem"),
    "attempted": ("http://adlnet.gov/expapi/verbs/attempted", "đã làm"),
    "completed": ("http://adlnet.gov/expapi/verbs/completed", "đã hoàn thành"),
    "passed": ("http://adlnet.gov/expapi/verbs/passed", "đã đạt"),
    "failed": ("http://adlnet.gov/expapi/verbs/failed", "chưa đạt"),
}


def _statement(ctx: DemoContext, student, lesson, verb_key, when: dt.datetime, registration: str) -> dict:
    slug, title = lesson
    verb_id, verb_vi = VERBS[verb_key]
    s = {
        "id": str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4)),
        "actor": {
            "objectType": "Agent",
            "name": student.full_name,
            "account": {"homePage": HOME, "name": student.moet_code or f"hs{student.pk}"},
        },
        "verb": {"id": verb_id, "display": {"vi": verb_vi, "en-US": verb_key}},
        "object": {
            "objectType": "Activity",
            "id": f"{HOME}/bai-hoc/{slug}",
            "definition": {
                "name": {"vi": title},
                "type": "http://adlnet.gov/expapi/activities/lesson",
            },
        },
        "context": {
            "registration": registration,
            "platform": "edudx LMS",
            "language": "vi-VN",
            "contextActivities": {
                "parent": [
                    {
                        "id": f"{HOME}/khoa-hoc/{slug.split('-')[0]}",
                        "definition": {
                            "name": {"vi": COURSES[slug.split("-")[0]]},
                            "type": "http://adlnet.gov/expapi/activities/course",
                        },
                    }
                ]
            },
        },
        "timestamp": iso(when),
    }
    if verb_key in ("completed", "passed", "failed"):
        raw = ctx.rng.randint(3, 10) if verb_key != "failed" else ctx.rng.randint(0, 4)
        s["result"] = {
            "score": {"raw": raw, "min": 0, "max": 10, "scaled": raw / 10},
            "success": verb_key != "failed",
            "completion": verb_key != "failed",
            "duration": f"PT{ctx.rng.randint(5, 45)}M{ctx.rng.randint(0, 59)}S",
        }
    return s


def build(ctx: DemoContext) -> None:
    listed, _order = registry.school_list(scope=ctx.actor.scope)
    # The demo courses are lower-secondary subjects: only schools that teach grades 6–9 take them.
    schools = list(listed.filter(level__in=SECONDARY_LEVELS).order_by("pk")[:SCHOOLS])
    # Up to the end of yesterday's school day: every statement lies in the past whatever the
    # hour of the load.
    end = timezone.make_aware(dt.datetime.combine(ctx.today - dt.timedelta(days=1), dt.time(17, 0)))
    total = 0
    for school in schools:
        services.credential_issue(actor=ctx.actor, unit=school.unit, name=f"LMS {school.name}")
        students_qs, _o = registry.student_list(scope=ctx.actor.scope)
        students = list(students_qs.filter(school=school).order_by("pk")[:60])
        if not students:
            continue
        batch = []
        for _i in range(STATEMENTS_PER_SCHOOL // 4):
            student = ctx.rng.choice(students)
            lesson = ctx.rng.choice(LESSONS)
            when = end - dt.timedelta(days=ctx.rng.randint(0, 55), minutes=ctx.rng.randint(0, 600))
            reg = str(uuid.UUID(int=ctx.rng.getrandbits(128), version=4))
            outcome = ctx.rng.choices(["completed", "passed", "failed", "attempted"], weights=[4, 3, 1, 2])[0]
            for k, verb in enumerate(("launched", "experienced", "attempted", outcome)):
                batch.append(_statement(ctx, student, lesson, verb, when + dt.timedelta(minutes=5 * k), reg))
        for s in batch:
            validate_statement(s, V2)
        for start in range(0, len(batch), 500):
            store_statements(
                batch[start : start + 500], version=V2, credential=None, unit_path=school.unit.path
            )
        total += len(batch)
    ctx.log(f"lrs: {len(schools)} xAPI keys, {total} statements")
