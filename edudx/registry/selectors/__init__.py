"""Every read of the registry, through the caller's Scope. No other code touches these tables."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from edudx.core.errors import NotFound
from edudx.core.scope import Scope, subtree_q
from edudx.core.search import match_count, match_q
from edudx.core.text import fold
from edudx.orgs import selectors as org_selectors

from .. import permissions as perms
from ..filters import (
    CLASS_SORTS,
    SCHOOL_SORTS,
    STAFF_SORTS,
    STUDENT_SORTS,
    ClassFilter,
    SchoolFilter,
    StaffFilter,
    StudentFilter,
)
from ..models import Enrolment, School, SchoolClass, SchoolYear, Staff, Student, TeachingAssignment
from .summaries import FEW_SCHOOLS, school_summaries  # noqa: F401  (school_summaries: other modules')

SCHOOL_PATH = "unit__path"
VIA_SCHOOL_PATH = "school__unit__path"


def _order(sorts: dict[str, tuple[str, ...]], key: str) -> tuple[str, ...]:
    return sorts.get(key) or next(iter(sorts.values()))


# ----- years
def current_year() -> SchoolYear | None:
    return SchoolYear.objects.filter(is_current=True).first()


def year_list() -> QuerySet[SchoolYear]:
    return SchoolYear.objects.all()


# ----- schools
def school_list(
    *, scope: Scope, filters: SchoolFilter | None = None
) -> tuple[QuerySet[School], tuple[str, ...]]:
    f = filters or SchoolFilter()
    qs = School.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH)).select_related("unit", "unit__parent")
    if f.q:
        key = fold(f.q)
        qs = qs.filter(Q(name_key__contains=key) | Q(moet_code__startswith=f.q.strip()))
    if f.level:
        qs = qs.filter(level=f.level)
    if f.ownership:
        qs = qs.filter(ownership=f.ownership)
    if f.area:
        area = org_selectors.unit_list(scope=scope).filter(pk=f.area).first()
        qs = qs.filter(subtree_q(area.path, "unit__path")) if area else qs.none()
    if f.grouping:
        qs = qs.filter(unit__grouping_memberships__grouping_id=f.grouping)
    return qs, _order(SCHOOL_SORTS, f.sort)


def school_get(*, scope: Scope, pk: int) -> School:
    try:
        return (
            School.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH))
            .select_related("unit", "unit__parent")
            .get(pk=pk)
        )
    except (School.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def school_groupings(school: School):
    return school.unit.groupings.all()


# ----- classes
def class_list(
    *, scope: Scope, filters: ClassFilter | None = None
) -> tuple[QuerySet[SchoolClass], tuple[str, ...]]:
    f = filters or ClassFilter()
    qs = SchoolClass.objects.filter(scope.filter_q(perms.VIEW, VIA_SCHOOL_PATH)).select_related(
        "school__unit", "year", "homeroom_teacher"
    )
    if f.school:
        qs = qs.filter(school_id=f.school)
    elif (where := scope.filter_q(perms.VIEW, SCHOOL_PATH)) != Q(pk__isnull=False):
        # A ward's or a school's classes are read school by school (the unique index), not by
        # walking the city's classes of the year in the list's order and testing each school's
        # path (0.5 s at city scale); a scope over the whole city (no condition) walks that
        # order (registry_class_year_order).
        few = list(School.objects.filter(where).values_list("id", flat=True)[: FEW_SCHOOLS + 1])
        if len(few) <= FEW_SCHOOLS:
            qs = qs.filter(school_id__in=few)
    if f.year:
        qs = qs.filter(year_id=f.year)
    if f.grade is not None:
        qs = qs.filter(grade=f.grade)
    return qs, _order(CLASS_SORTS, f.sort)


def class_get(*, scope: Scope, pk: int) -> SchoolClass:
    try:
        return (
            SchoolClass.objects.filter(scope.filter_q(perms.VIEW, VIA_SCHOOL_PATH))
            .select_related("school__unit", "year", "homeroom_teacher")
            .get(pk=pk)
        )
    except (SchoolClass.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def class_roster(*, scope: Scope, school_class: SchoolClass) -> QuerySet[Enrolment]:
    scope.require(perms.VIEW_PEOPLE, school_class.school.unit.path)
    return (
        school_class.enrolments.filter(state=Enrolment.State.ACTIVE)
        .select_related("student")
        .order_by("student__sort_name", "student_id")
    )


def class_assignments(*, scope: Scope, school_class: SchoolClass) -> QuerySet[TeachingAssignment]:
    scope.require(perms.VIEW_PEOPLE, school_class.school.unit.path)
    return school_class.assignments.select_related("staff").order_by("subject")


# ----- students
def _students_in_scope(scope: Scope) -> QuerySet[Student]:
    q = scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH)
    if not scope.is_system and scope.has_perm(perms.VIEW_SELF):
        q |= Q(user_id=scope.user_id)
    return Student.objects.filter(q)


def _person_search(qs: QuerySet, model, text: str, *, scope: Scope, counting: bool = False) -> QuerySet:
    """Name (word prefixes), MOET code, or — only where the caller sees it unmasked — personal ID.

    A caller without registry.view_pii sees an ID as 079******806 beside the birth date and
    gender, so three digits are unknown: were the ID searchable for them, a thousand
    searches would confirm the full number. For them an ID matches nothing (the same
    answer as a number nobody has); the condition is not even put to the database when the
    caller sees no ID unmasked anywhere, so the answer's time says nothing either. A caller
    with view_pii over some schools matches IDs in those schools only.
    """
    text = text.strip()
    if not text:
        return qs
    if text.isdigit():
        q = Q(moet_code=text)
        if scope.has_perm(perms.VIEW_PII):
            q |= Q(personal_id=text) & scope.filter_q(perms.VIEW_PII, VIA_SCHOOL_PATH)
        return qs.filter(q)
    q = match_q(model, "name_key", text, counting=counting)
    return qs.filter(q) if q is not None else qs


def _current_class_name() -> Subquery:
    """The class of the pupil's active enrolment (the newest, should there be two years open)."""
    return Subquery(
        Enrolment.objects.filter(student_id=OuterRef("pk"), state=Enrolment.State.ACTIVE)
        .order_by("-start_date", "-id")
        .values("school_class__name")[:1]
    )


def student_list(
    *, scope: Scope, filters: StudentFilter | None = None, counting: bool = False
) -> tuple[QuerySet[Student], tuple[str, ...]]:
    """The pupils in scope matching the filters. `counting`: the queryset is for a capped count
    of a name search, not for a page in the list's order (core.search.names plans it so)."""
    f = filters or StudentFilter()
    qs = _students_in_scope(scope).select_related("school__unit").annotate(class_name=_current_class_name())
    qs = _person_search(qs, Student, f.q, scope=scope, counting=counting)
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.school_class:
        qs = qs.filter(enrolments__school_class_id=f.school_class, enrolments__state=Enrolment.State.ACTIVE)
    if f.grade is not None:
        qs = qs.filter(enrolments__school_class__grade=f.grade, enrolments__state=Enrolment.State.ACTIVE)
    if f.gender:
        qs = qs.filter(gender=f.gender)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs, _order(STUDENT_SORTS, f.sort)


def student_match_count(*, scope: Scope, filters: StudentFilter, cap: int) -> int | None:
    """A name search's count up to `cap` + 1 from the name index alone, where that count is the
    list's: the reader sees every pupil (the department) and filters by nothing but the name.
    None otherwise (the list's own capped count then). The department's "nguyen van" counted
    through the table walked ~30,000 pupils; the index stops at the 1,001st match."""
    f = filters
    text = f.q.strip()
    if (
        not text
        or text.isdigit()
        or f.school
        or f.school_class
        or f.grade is not None
        or f.gender
        or f.status
    ):
        return None
    if not scope.covers_everything(perms.VIEW_PEOPLE):
        return None
    return match_count(Student, "name_key", text, cap=cap)


def student_get(*, scope: Scope, pk: int) -> Student:
    try:
        return _students_in_scope(scope).select_related("school__unit").get(pk=pk)
    except (Student.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def student_enrolments(*, scope: Scope, student: Student) -> QuerySet[Enrolment]:
    """The student's enrolments, including ends in schools outside the caller's scope (the
    record of a transfer shows where the pupil came from)."""
    student_get(scope=scope, pk=student.pk)
    return student.enrolments.select_related("school_class", "school__unit", "year").order_by(
        "-start_date", "-id"
    )


# ----- staff
def staff_list(
    *, scope: Scope, filters: StaffFilter | None = None
) -> tuple[QuerySet[Staff], tuple[str, ...]]:
    f = filters or StaffFilter()
    q = scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH)
    qs = Staff.objects.filter(q).select_related("school__unit")
    qs = _person_search(qs, Staff, f.q, scope=scope)
    if f.school:
        qs = qs.filter(school_id=f.school)
    if f.position:
        qs = qs.filter(position=f.position)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs, _order(STAFF_SORTS, f.sort)


def staff_get(*, scope: Scope, pk: int) -> Staff:
    try:
        return (
            Staff.objects.filter(scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH))
            .select_related("school__unit")
            .get(pk=pk)
        )
    except (Staff.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc


def staff_assignments(*, scope: Scope, staff: Staff) -> QuerySet[TeachingAssignment]:
    staff_get(scope=scope, pk=staff.pk)
    return staff.assignments.select_related("school_class").order_by(
        "school_class__grade", "school_class__name"
    )


# ----- figures for dashboards
def headline_figures(*, scope: Scope) -> dict[str, int]:
    schools = School.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH))
    out = {"schools": schools.count()}
    if scope.has_perm(perms.VIEW_PEOPLE):
        out["students"] = Student.objects.filter(scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH)).count()
        out["staff"] = Staff.objects.filter(scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH)).count()
    year = current_year()
    if year:
        out["classes"] = SchoolClass.objects.filter(
            scope.filter_q(perms.VIEW, VIA_SCHOOL_PATH), year=year
        ).count()
    return out


def schools_by_level(*, scope: Scope) -> list[dict]:
    return list(
        School.objects.filter(scope.filter_q(perms.VIEW, SCHOOL_PATH))
        .values("level")
        .annotate(n=Count("id"))
        .order_by("level")
    )


def students_by_grade(*, scope: Scope) -> list[dict]:
    year = current_year()
    if year is None or not scope.has_perm(perms.VIEW_PEOPLE):
        return []
    return list(
        Enrolment.objects.filter(
            scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH), year=year, state=Enrolment.State.ACTIVE
        )
        .values("school_class__grade")
        .annotate(n=Count("id"))
        .order_by("school_class__grade")
    )


# ----- added for the HTML UI (forms and dashboard)
def schools_changeable(*, scope: Scope) -> QuerySet[School]:
    """Schools where the caller may create or change records (choices in forms)."""
    return (
        School.objects.filter(scope.filter_q(perms.CHANGE, SCHOOL_PATH))
        .select_related("unit")
        .order_by("name_key", "id")
    )


def students_by(*, scope: Scope, field: str) -> list[dict]:
    """Students in scope counted by `gender` or `status` (one aggregate query)."""
    if field not in ("gender", "status") or not scope.has_perm(perms.VIEW_PEOPLE):
        return []
    return list(
        Student.objects.filter(scope.filter_q(perms.VIEW_PEOPLE, VIA_SCHOOL_PATH))
        .values(field)
        .annotate(n=Count("id"))
        .order_by(field)
    )


def school_counts(*, scope: Scope, school: School) -> dict[str, int]:
    """Headline numbers of one school the caller can see."""
    out: dict[str, int] = {}
    year = current_year()
    out["classes"] = school.classes.filter(year=year).count() if year else 0
    if scope.can(perms.VIEW_PEOPLE, school.unit.path):
        out["students"] = school.students.count()
        out["staff"] = school.staff.count()
    return out


# ----- aggregates for other modules (callers pass school ids they already scoped)
def school_ids_in_scope(*, scope: Scope, permission: str = perms.VIEW) -> QuerySet:
    return School.objects.filter(scope.filter_q(permission, SCHOOL_PATH)).values_list("id", flat=True)


def active_student_counts(school_ids) -> dict[int, int]:
    """Pupils currently studying per school (statuses that count as enrolled)."""
    from edudx.core.rules.people import ACTIVE_STUDENT_STATUSES

    rows = (
        Student.objects.filter(school_id__in=school_ids, status__in=list(ACTIVE_STUDENT_STATUSES))
        .values("school_id")
        .annotate(n=Count("id"))
    )
    return {r["school_id"]: r["n"] for r in rows}


def class_counts_by_grade(school_ids, *, year: SchoolYear | None = None) -> dict[int, dict[int, int]]:
    """{school_id: {grade: number of classes}} for the current (or given) school year."""
    year = year or current_year()
    out: dict[int, dict[int, int]] = {}
    if year is None:
        return out
    rows = (
        SchoolClass.objects.filter(school_id__in=school_ids, year=year)
        .values("school_id", "grade")
        .annotate(n=Count("id"))
    )
    for r in rows:
        out.setdefault(r["school_id"], {})[r["grade"]] = r["n"]
    return out


def school_names(*, pks: list[int]) -> dict[int, str]:
    """Names of schools named in history entries (both ends of a transfer, like the
    enrolment history, are shown on the student's record)."""
    return dict(School.objects.filter(pk__in=pks).values_list("pk", "unit__name"))


def schools_by_code(codes) -> dict[str, dict]:
    """{MOET code: {"id", "level", "path"}} for importers resolving references in bulk; the
    caller checks its Scope against each path before writing anything."""
    return {
        r["moet_code"]: {"id": r["id"], "level": r["level"], "path": r["unit__path"]}
        for r in School.objects.filter(moet_code__in=list(codes)).values(
            "id", "moet_code", "level", "unit__path"
        )
    }


def staff_homerooms(*, scope: Scope, staff: Staff) -> QuerySet[SchoolClass]:
    """Classes the staff member is homeroom teacher of, newest year first."""
    staff_get(scope=scope, pk=staff.pk)
    return staff.homeroom_classes.select_related("year").order_by("-year__code", "name")


# The maintained aggregates' per-school counts (split out: edudx/registry/selectors/figures.py).
from .figures import figures_per_school, people_counts, people_schools  # noqa: E402, F401
