"""Load the synthetic city (city.py) into the database.

The organisation tree, clusters, school years and schools go through the services (a few
thousand rows, each with its history). Classes, staff, students, enrolments and teaching
assignments — millions of rows at city scale — are written in bulk, school by school, with
one history entry per school describing the load (and, at the small sizes, one "create"
entry per student and staff member as well). A few transfers between classes and schools
then go through `enrolment_transfer`, so records show both ends of a move.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import time
from typing import Any

from django.db import connection, transaction

from edudx.core import history as core_history
from edudx.core.actor import Actor
from edudx.core.db import bulk
from edudx.core.demo import DemoContext
from edudx.core.models import HistoryEntry
from edudx.core.text import fold, vn_sort_key
from edudx.orgs import services as org_services
from edudx.orgs.services import UnitKind

from .. import services as registry
from ..models import Enrolment, School, SchoolClass, Staff, Student, TeachingAssignment, Term
from . import city

SEARCH_INDEXES = (("registry_student", "name_key"), ("registry_staff", "name_key"))
BULK_TABLES = (
    "registry_student", "registry_staff", "registry_enrolment", "registry_schoolclass",
    "registry_teachingassignment", "core_historyentry",
)  # fmt: skip
FLUSH_ROWS = 60_000  # rows buffered before a batch is written
COMMIT_SCHOOLS = 40  # schools per transaction at city scale


def load_city(ctx: DemoContext, size: str) -> dict[str, Any]:
    """Build the registry city; returns what later demo steps may use (also put in ctx.data)."""
    started = time.monotonic()
    the_plan = city.plan(size, ctx.seed, ctx.today)
    actor = ctx.actor
    with bulk.fast_sqlite():
        with transaction.atomic():
            tree = _tree(ctx, actor, the_plan)
        ctx.log(
            f"organisation tree: 1 department, {len(the_plan.areas)} wards/communes, "
            f"{len(the_plan.clusters)} clusters, {len(the_plan.schools)} schools"
        )
        counts: dict[str, float] = dict(_people(ctx, the_plan, tree, per_row_history=size != "city"))
        with transaction.atomic():
            moves = _transfers(actor, tree, the_plan.calendar)
        ctx.log(f"transfers through the registry services: {moves}")
    counts["transfers"] = moves
    counts["seconds"] = round(time.monotonic() - started, 1)
    data = {
        "size": size,
        "department": tree["department"].pk,
        "areas": [u.pk for u in tree["areas"]],
        "clusters": [g.pk for g in tree["clusters"]],
        "schools": [s.pk for s in tree["schools"]],
        "years": {y.code: y.pk for y in tree["years"]},
        "current_year": next(y.pk for y in tree["years"] if y.is_current),
        "counts": counts,
    }
    ctx.data.update(data)
    return data


# ----------------------------------------------------------------------------- tree
def _tree(ctx: DemoContext, actor: Actor, the_plan: city.Plan) -> dict[str, Any]:
    dept = org_services.unit_create(
        actor=actor,
        code=city.DEPARTMENT_CODE,
        name=city.DEPARTMENT_NAME,
        kind=UnitKind.DEPARTMENT,
        parent=None,
    )
    areas = [
        org_services.unit_create(actor=actor, code=a.code, name=a.name, kind=a.kind, parent=dept)
        for a in the_plan.areas
    ]
    clusters = [
        org_services.grouping_create(
            actor=actor,
            code=c.code,
            name=c.name,
            kind="cluster",
            owner=dept,
            description="Cụm trường sinh hoạt chuyên môn (dữ liệu mẫu)",
        )
        for c in the_plan.clusters
    ]
    years = []
    for code, start, end, is_current, terms in the_plan.calendar.years:
        year = registry.school_year_create(
            actor=actor, code=code, start_date=start, end_date=end, is_current=is_current
        )
        Term.objects.bulk_create(
            [Term(year=year, code=t, name=city.TERM_NAMES[t], start_date=s, end_date=e) for t, s, e in terms]
        )
        years.append(year)
    schools = []
    for i, spec in enumerate(the_plan.schools):
        schools.append(
            registry.school_register(
                actor=actor,
                parent=dept if spec.under_department else areas[spec.area.index],
                moet_code=spec.code,
                name=spec.name,
                data={
                    "level": spec.level,
                    "ownership": spec.ownership,
                    "address": spec.address,
                    "phone": spec.phone,
                },
            )
        )
        if (i + 1) % 500 == 0:
            ctx.log(f"schools registered: {i + 1:,}/{len(the_plan.schools):,}")
    members: dict[int, list] = {c.index: [] for c in the_plan.clusters}
    for spec, school in zip(the_plan.schools, schools, strict=True):
        members[spec.area.cluster].append(school.unit)
    for c in the_plan.clusters:
        org_services.grouping_set_members(actor=actor, grouping=clusters[c.index], units=members[c.index])
    return {"department": dept, "areas": areas, "clusters": clusters, "years": years, "schools": schools}


# ----------------------------------------------------------------------------- people
class _Tables:
    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.staff = bulk.Table(
            Staff,
            ["id", "moet_code", "full_name", "name_key", "sort_name", "date_of_birth", "gender", "personal_id",
             "ethnicity", "position", "subjects", "qualification", "phone", "email", "status", "school_id"],
        )  # fmt: skip
        self.classes = bulk.Table(
            SchoolClass, ["id", "school_id", "year_id", "grade", "name", "homeroom_teacher_id"]
        )
        self.students = bulk.Table(
            Student,
            ["id", "moet_code", "full_name", "name_key", "sort_name", "date_of_birth", "gender", "personal_id",
             "ethnicity", "status", "status_date", "disability", "father_name", "mother_name", "parent_phone", "address",
             "place_of_birth", "school_id"],
        )  # fmt: skip
        self.enrolments = bulk.Table(
            Enrolment,
            ["student_id", "school_class_id", "year_id", "school_id", "state", "start_date", "end_date"],
        )
        self.assignments = bulk.Table(
            TeachingAssignment, ["staff_id", "school_class_id", "subject", "periods_per_week"]
        )
        # History entries per model, written by core.history.record_bulk at each flush.
        self.history: dict[type[Any], list[tuple[int, str, str, dict[str, Any]]]] = {
            Staff: [], Student: [], School: []
        }  # fmt: skip
        # Order matters only for readability: SQLite's foreign keys are deferred to commit.
        self.all = [self.staff, self.classes, self.students, self.enrolments, self.assignments]

    def pending(self) -> int:
        return sum(len(t.rows) for t in self.all) + sum(len(e) for e in self.history.values())

    def flush(self) -> None:
        for t in self.all:
            t.flush()
        for model, entries in self.history.items():
            if entries:
                core_history.record_bulk(
                    actor=self.actor, model=model, entries=entries, operation="demo_load",
                    note=SCHOOL_NOTE if model is School else "",
                )  # fmt: skip
                entries.clear()


SCHOOL_NOTE = (
    "Synthetic demo data loaded in bulk: one entry for the school's classes, staff, students and enrolments."
)


@functools.lru_cache(maxsize=65_536)
def _fold_word(word: str) -> str:
    return fold(word)


def name_key(full_name: str) -> str:
    """fold() word by word through a cache: names repeat a few hundred words millions of times."""
    return " ".join([_fold_word(w) for w in full_name.split(" ")])


def _people(
    ctx: DemoContext, the_plan: city.Plan, tree: dict[str, Any], *, per_row_history: bool
) -> dict[str, int]:
    years = {y.code: y.pk for y in tree["years"]}
    cal = the_plan.calendar
    gen = city.SchoolGenerator(the_plan)
    n_schools = len(the_plan.schools)
    last_log = time.monotonic()
    counts = {"students": 0, "staff": 0, "classes": 0, "enrolments": 0, "assignments": 0}

    def iso(d: dt.date | None) -> str | None:
        return d.isoformat() if d is not None else None

    with (
        bulk.search_index_suspended(SEARCH_INDEXES),
        bulk.indexes_suspended(BULK_TABLES, log=ctx.log),
    ):
        tables = _Tables(ctx.actor if ctx.actor.source else ctx.actor.with_source("demo"))
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            for i, people in enumerate(gen.all()):
                school = tree["schools"][i]
                sid = school.pk
                staff_ids = []
                for st in people.staff:
                    pk = tables.staff.next_id()
                    staff_ids.append(pk)
                    tables.staff.add(
                        (pk, st.code, st.full_name, name_key(st.full_name), vn_sort_key(st.full_name), st.dob.isoformat(),
                         st.gender, st.pid, st.ethnicity, st.position, json.dumps(list(st.subjects)), st.qualification, st.phone,
                         st.email, st.status, sid)
                    )  # fmt: skip
                    if per_row_history:
                        tables.history[Staff].append(
                            (pk, st.full_name, "create",
                             {"moet_code": [None, st.code], "full_name": [None, st.full_name],
                              "position": [None, st.position], "school": [None, sid]})
                        )  # fmt: skip
                class_ids = []
                for c in people.classes:
                    pk = tables.classes.next_id()
                    class_ids.append(pk)
                    tables.classes.add(
                        (pk, sid, years[c.year], city.stage_grade(c.stage), c.name,
                         staff_ids[c.homeroom] if c.homeroom is not None else None)
                    )  # fmt: skip
                prev_year, cur_year = years[cal.previous], years[cal.current]
                prev_start, prev_end = cal.previous_start.isoformat(), cal.previous_end.isoformat()
                for s in people.students:
                    pk = tables.students.next_id()
                    tables.students.add(
                        (pk, s.code, s.full_name, name_key(s.full_name), vn_sort_key(s.full_name), s.dob.isoformat(),
                         s.gender, s.pid, s.ethnicity, s.status, iso(s.status_date), s.disability, s.father, s.mother, s.phone,
                         s.address, s.place_of_birth, sid)
                    )  # fmt: skip
                    tables.enrolments.add(
                        (pk, class_ids[s.cls], cur_year, sid, s.state, s.start.isoformat(), iso(s.end))
                    )
                    if s.prev_cls is not None:
                        tables.enrolments.add(
                            (pk, class_ids[s.prev_cls], prev_year, sid, "completed", prev_start, prev_end)
                        )
                        counts["enrolments"] += 1
                    if per_row_history:
                        tables.history[Student].append(
                            (pk, s.full_name, "create",
                             {"moet_code": [None, s.code], "full_name": [None, s.full_name],
                              "status": [None, s.status], "school": [None, sid]})
                        )  # fmt: skip
                for a in people.assignments:
                    tables.assignments.add((staff_ids[a.staff], class_ids[a.cls], a.subject, a.periods))
                changes = {
                    "students": [None, len(people.students)],
                    "staff": [None, len(people.staff)],
                    "classes": [None, len(people.classes)],
                    "assignments": [None, len(people.assignments)],
                }
                tables.history[School].append((sid, people.school.name, "other", changes))
                counts["students"] += len(people.students)
                counts["staff"] += len(people.staff)
                counts["classes"] += len(people.classes)
                counts["enrolments"] += len(people.students)
                counts["assignments"] += len(people.assignments)
                if tables.pending() >= FLUSH_ROWS:
                    tables.flush()
                if (i + 1) % COMMIT_SCHOOLS == 0:
                    tables.flush()
                    atomic.__exit__(None, None, None)
                    atomic = transaction.atomic()
                    atomic.__enter__()
                if time.monotonic() - last_log > 10 or i + 1 == n_schools:
                    last_log = time.monotonic()
                    ctx.log(
                        f"people: {i + 1:,}/{n_schools:,} schools, {counts['students']:,} students, "
                        f"{counts['staff']:,} staff, {counts['classes']:,} classes"
                    )
            tables.flush()
        except BaseException as exc:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        else:
            atomic.__exit__(None, None, None)
        ctx.log("rebuilding the name-search index")
    bulk.reset_sequences([Staff, SchoolClass, Student, Enrolment, TeachingAssignment, HistoryEntry])
    if not connection.in_atomic_block:
        bulk.analyze(("orgs_orgunit", "registry_school", *BULK_TABLES))
    return counts


# ----------------------------------------------------------------------------- transfers
def _transfers(
    actor: Actor, tree: dict[str, Any], cal: city.Calendar, *, between_schools: int = 6, within: int = 4
) -> int:
    """A few pupils move class or school mid-year through the registry's own service."""
    if not cal.has_begun:
        return 0  # the year opens in a few days: nobody has moved yet
    year = next(y for y in tree["years"] if y.is_current)
    schools = tree["schools"][:200]
    moved = 0
    by_parent: dict[int, list[School]] = {}
    for school in schools:
        by_parent.setdefault(school.unit.parent_id, []).append(school)
    # Between schools of the same administrative parent that teach the same grade.
    for school in schools:
        if moved >= between_schools:
            break
        siblings = [s for s in by_parent[school.unit.parent_id] if s.pk != school.pk]
        enrolment = (
            Enrolment.objects.filter(
                school=school, year=year, state=Enrolment.State.ACTIVE, school_class__grade__gt=0
            )
            .select_related("student", "school_class")
            .order_by("student__name_key", "id")
            .first()
        )
        if enrolment is None:
            continue
        target = (
            SchoolClass.objects.filter(school__in=siblings, year=year, grade=enrolment.school_class.grade)
            .order_by("school__unit__path", "name")
            .first()
        )
        if target is None:
            continue
        registry.enrolment_transfer(
            actor=actor,
            student=enrolment.student,
            to_class=target,
            on=cal.in_year(73 + 7 * moved),  # from mid-November
            note="Chuyển trường theo nguyện vọng gia đình (dữ liệu mẫu)",
        )
        moved += 1
    # Within a school: to a parallel class of the same grade.
    done = 0
    for school in schools:
        if done >= within:
            break
        classes = list(
            SchoolClass.objects.filter(school=school, year=year, grade__gt=0).order_by("grade", "name")[:2]
        )
        if len(classes) < 2 or classes[0].grade != classes[1].grade:
            continue
        enrolment = (
            Enrolment.objects.filter(school_class=classes[0], state=Enrolment.State.ACTIVE)
            .select_related("student")
            .order_by("-id")
            .first()
        )
        if enrolment is None:
            continue
        registry.enrolment_transfer(
            actor=actor,
            student=enrolment.student,
            to_class=classes[1],
            on=cal.in_year(129),  # the first day of the second term
            note="Chuyển lớp đầu học kỳ II (dữ liệu mẫu)",
        )
        done += 1
    return moved + done
