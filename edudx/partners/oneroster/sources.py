"""Where each OneRoster collection's rows come from: querysets of the registry selectors, read
with the partner's Scope (its approved schools), narrowed by consent, with the OneRoster
`status` and `dateLastModified` computed in SQL so filters, sorts and counts stay there.

A Source is one queryset of `.values()` rows with the names a filter or sort may use
(OneRoster name → column); a collection may chain several (users = pupils, then staff).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Greatest, Length, Replace, StrIndex, Substr

from edudx.core.rules.people import ACTIVE_STUDENT_STATUSES, Position, StaffStatus
from edudx.registry import selectors as registry

from ..auth import CONSENT, PartnerCaller
from ..models import Consent, Party

ADMIN_POSITIONS = (Position.PRINCIPAL, Position.VICE_PRINCIPAL)
ACTIVE_STAFF = (StaffStatus.WORKING, StaffStatus.LEAVE)
SID = re.compile(r"^(org|cl|st|ta|s|e|y|t)(\d{1,18})$")
COURSE_SID = re.compile(r"^c(\d{1,18})-(\d{1,18})-(\d{1,2})$")


@dataclass
class Source:
    kind: str  # the record builder's name in records.BUILDERS
    qs: QuerySet | None  # None: `rows` holds a small list filtered in Python
    names: dict[str, str]  # OneRoster filter/sort field → column of the values() rows
    rows: list[dict[str, Any]] = field(default_factory=list)
    people: bool = False


def parse_sid(sid: str) -> tuple[str, int] | None:
    m = SID.match(sid)
    return (m[1], int(m[2])) if m else None


def _years_ago(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ----- pupils
def pupils(caller: PartnerCaller) -> QuerySet:
    """Pupils of the approved schools the partner may receive, annotated with `modified` and
    `or_status`. In a school whose flow rests on consent a pupil flows only with the parent's
    consent and, from the policy's age, the pupil's own; a pupil for whom a consent was
    withdrawn is kept as `tobedeleted`, so the partner deletes what it received."""
    qs, _order = registry.student_list(scope=caller.scope)
    qs = qs.filter(school_id__in=caller.school_ids)
    consent_ids = [sid for sid, f in caller.flows.items() if f.legal_basis == CONSENT]
    left = ~Q(status__in=ACTIVE_STUDENT_STATUSES)
    if consent_ids:
        answers = Consent.objects.filter(app_id=caller.app.pk, student_id=OuterRef("pk"))
        qs = qs.annotate(
            parent_ok=Exists(answers.filter(party=Party.PARENT, given=True)),
            pupil_ok=Exists(answers.filter(party=Party.PUPIL, given=True)),
            withdrawn=Exists(answers.filter(given=False)),
            # One exact lookup per party on the (app, student, party) key: ordering all the
            # app's answers by time instead made SQLite walk the (app, changed_at) index per pupil.
            parent_at=Subquery(answers.filter(party=Party.PARENT).values("changed_at")[:1]),
            pupil_at=Subquery(answers.filter(party=Party.PUPIL).values("changed_at")[:1]),
        )
        cutoff = _years_ago(caller.today, caller.consent_age)
        consented = Q(parent_ok=True) & (Q(date_of_birth__gt=cutoff) | Q(pupil_ok=True))
        in_consent = Q(school_id__in=consent_ids)
        qs = qs.filter(~in_consent | consented | Q(withdrawn=True))
        deleted = left | (in_consent & ~consented)
        modified: Any = Greatest(
            "updated_at", Coalesce("parent_at", "updated_at"), Coalesce("pupil_at", "updated_at")
        )
    else:
        deleted = left
        modified = F("updated_at")
    return qs.annotate(
        modified=modified,
        or_status=Case(
            When(deleted, then=Value("tobedeleted")), default=Value("active"), output_field=CharField()
        ),
    )


PUPIL_COLUMNS = (
    "pk",
    "full_name",
    "moet_code",
    "personal_id",
    "date_of_birth",
    "gender",
    "parent_phone",
    "ethnicity",
    "school_id",
    "modified",
    "or_status",
)
PERSON_NAMES = {
    "sourcedId": "pk",
    "dateLastModified": "modified",
    "status": "or_status",
    "role": "or_role",
    "identifier": "moet_code",
    "username": "moet_code",
    "givenName": "or_given",
    "familyName": "or_family",
}
# A sort on a name follows the Vietnamese order (core.text.vn_sort_key, stored as sort_name:
# given name, then middle, then family name; d < đ, tones ngang < huyền < hỏi < ngã < sắc <
# nặng): givenName sorts by it; familyName by the family name's characters, then by it.
PERSON_SORTS = {"givenName": ("sort_name",), "familyName": ("or_family", "sort_name")}


class _RTrimChars(Func):
    """RTRIM(text, characters): the same two-argument function on SQLite and PostgreSQL."""

    function = "RTRIM"
    output_field = CharField()


def with_names(qs: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    """The OneRoster name parts in SQL, as records.split_name cuts them: the family name is the
    first word, the given name the last (what follows the last space)."""
    name = F("full_name")
    last_space = Length(_RTrimChars(name, Replace(name, Value(" "), Value(""))))
    return qs.annotate(
        or_family=Substr(
            name, 1, StrIndex(Concat(name, Value(" ")), Value(" ")) - 1, output_field=CharField()
        ),
        or_given=Substr(name, last_space + 1, output_field=CharField()),
    )


def pupil_source(caller: PartnerCaller, *, kind: str = "user", **where: Any) -> Source:
    qs = pupils(caller).filter(**where).annotate(or_role=Value("student", output_field=CharField()))
    return Source(kind, with_names(qs).values(*PUPIL_COLUMNS, "or_role"), PERSON_NAMES, people=True)


# ----- staff
def staff_source(caller: PartnerCaller, *, teachers_only: bool = False, **where: Any) -> Source:
    qs, _order = registry.staff_list(scope=caller.scope)
    qs = qs.filter(school_id__in=caller.school_ids, **where).annotate(
        modified=F("updated_at"),
        or_status=Case(
            When(status__in=ACTIVE_STAFF, then=Value("active")),
            default=Value("tobedeleted"),
            output_field=CharField(),
        ),
        # 1.2 roles (the official OpenAPI's RoleDType): no plain "administrator" any more.
        or_role=Case(
            When(position=Position.PRINCIPAL, then=Value("principal")),
            When(position__in=ADMIN_POSITIONS, then=Value("siteAdministrator")),
            default=Value("teacher"),
            output_field=CharField(),
        ),
    )
    if teachers_only:
        qs = qs.filter(or_role="teacher")
    qs = with_names(qs)
    columns = ("pk", "full_name", "moet_code", "personal_id", "phone", "email", "school_id", "modified")
    return Source("staff", qs.values(*columns, "or_status", "or_role").distinct(), PERSON_NAMES, people=True)


# ----- schools, sessions, courses, classes
def school_source(caller: PartnerCaller, **where: Any) -> Source:
    qs, _order = registry.school_list(scope=caller.scope)
    # Two filters: a caller's `pk__in` (the feed's ids) must not collide with the approved ids.
    qs = (
        qs.filter(pk__in=caller.school_ids)
        .filter(**where)
        .annotate(
            modified=F("updated_at"),
            or_status=Value("active", output_field=CharField()),
            or_name=F("unit__name"),
        )
    )
    names = {
        "sourcedId": "pk",
        "dateLastModified": "modified",
        "status": "or_status",
        "name": "or_name",
        "identifier": "moet_code",
    }
    return Source("org", qs.values("pk", "or_name", "moet_code", "modified", "or_status"), names)


def session_source(caller: PartnerCaller, *, only: tuple[str, int] | None = None) -> Source:
    """School years and their terms: a handful of rows, filtered and sorted in Python."""
    rows: list[dict[str, Any]] = []
    for year in registry.year_list().values("pk", "code", "start_date", "end_date"):
        rows.append({**year, "type": "schoolYear", "parent": None})
    for term in (
        registry.year_list()
        .filter(terms__isnull=False)
        .values("pk", "terms__pk", "terms__name", "terms__start_date", "terms__end_date")
    ):
        rows.append(
            {
                "pk": term["terms__pk"],
                "code": term["terms__name"],
                "start_date": term["terms__start_date"],
                "end_date": term["terms__end_date"],
                "type": "term",
                "parent": term["pk"],
            }
        )
    if only is not None:
        prefix, pk = only
        wanted = "schoolYear" if prefix == "y" else "term"
        rows = [r for r in rows if r["type"] == wanted and r["pk"] == pk]
    return Source("session", None, {}, rows=rows)


CLASS_NAMES = {"sourcedId": "pk", "dateLastModified": "modified", "status": "or_status", "title": "name"}


def class_source(caller: PartnerCaller, **where: Any) -> Source:
    qs, _order = registry.class_list(scope=caller.scope)
    qs = qs.filter(school_id__in=caller.school_ids, **where).annotate(
        modified=F("updated_at"), or_status=Value("active", output_field=CharField())
    )
    return Source(
        "class",
        qs.values("pk", "name", "grade", "school_id", "year_id", "modified", "or_status"),
        CLASS_NAMES,
    )


def course_source(caller: PartnerCaller, **where: Any) -> Source:
    """A course is a grade of a school in a school year (the classes of one grade share it)."""
    classes, _order = registry.class_list(scope=caller.scope)
    qs = (
        classes.filter(school_id__in=caller.school_ids, **where)
        .order_by()
        .values("school_id", "year_id", "grade")
        .annotate(modified=Max("updated_at"), or_status=Value("active", output_field=CharField()))
    )
    names = {"dateLastModified": "modified", "status": "or_status", "sourcedId": "school_id"}
    return Source("course", qs, names)


# ----- enrolments
def pupil_enrolment_source(caller: PartnerCaller, **where: Any) -> Source:
    qs = pupils(caller).filter(enrolments__school_id__in=caller.school_ids, **where)
    qs = qs.annotate(
        e_status=Case(
            When(Q(or_status="tobedeleted") | ~Q(enrolments__state="active"), then=Value("tobedeleted")),
            default=Value("active"),
            output_field=CharField(),
        ),
        or_role=Value("student", output_field=CharField()),
    )
    columns = (
        "pk",
        "enrolments__pk",
        "enrolments__school_class_id",
        "enrolments__school_id",
        "enrolments__start_date",
        "enrolments__end_date",
        "modified",
        "e_status",
        "or_role",
    )
    names = {
        "sourcedId": "enrolments__pk",
        "dateLastModified": "modified",
        "status": "e_status",
        "role": "or_role",
    }
    return Source("enrolment", qs.values(*columns), names, people=True)


def teacher_enrolment_source(caller: PartnerCaller, **where: Any) -> Source:
    qs, _order = registry.staff_list(scope=caller.scope)
    qs = qs.filter(assignments__school_class__school_id__in=caller.school_ids, **where).annotate(
        modified=F("updated_at"),
        e_status=Case(
            When(status__in=ACTIVE_STAFF, then=Value("active")),
            default=Value("tobedeleted"),
            output_field=CharField(),
        ),
        or_role=Value("teacher", output_field=CharField()),
    )
    columns = (
        "pk",
        "assignments__pk",
        "assignments__school_class_id",
        "assignments__school_class__school_id",
        "modified",
        "e_status",
        "or_role",
    )
    names = {
        "sourcedId": "assignments__pk",
        "dateLastModified": "modified",
        "status": "e_status",
        "role": "or_role",
    }
    return Source("assignment", qs.values(*columns), names, people=True)


def demographic_source(caller: PartnerCaller, **where: Any) -> Source:
    source = pupil_source(caller, kind="demographic", **where)
    return source


Builder = Callable[..., list[Source]]
