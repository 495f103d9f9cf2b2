"""OneRoster 1.2 records from the sources' rows, cut to the caller's field profile.

Every record is built whole and then cut: `allowed_fields` says which fields the row's school
flow lets this app receive (profiles + the sharing policy), so no door can forget the cut.
A `tobedeleted` person keeps only sourcedId, status and dateLastModified.

Mapping (also in the app README): a school → org of type school (`org<id>`); a school year →
academicSession schoolYear (`y<id>`), a term → term (`t<id>`); a grade of a school in a year
→ course (`c<school>-<year>-<grade>`); a class → class, homeroom (`cl<id>`); a pupil → user
with role student (`s<id>`), a staff member → teacher, principal or siteAdministrator (`st<id>`); a pupil's
enrolment → enrollment student (`e<id>`), a teaching assignment → enrollment teacher
(`ta<id>`); a pupil's demographics → demographics (`s<id>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..auth import PartnerCaller
from ..profiles import Category, demographic_fields, user_fields

BASE = "/partners/ims/oneroster/rostering/v1p2"
GRADES = {0: "PK", **{g: f"{g:02d}" for g in range(1, 13)}}


def _moment(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    return "1970-01-01T00:00:00.000Z"


def ref(path: str, sid: str, kind: str) -> dict[str, str]:
    return {"href": f"{BASE}/{path}/{sid}", "sourcedId": sid, "type": kind}


def split_name(full: str) -> tuple[str, str, str]:
    """Vietnamese order: family name first, given name last, middle names between."""
    words = full.split()
    if len(words) == 1:
        return words[0], words[0], ""
    if not words:
        return "", "", ""
    return words[-1], words[0], " ".join(words[1:-1])


def course_sid(school_id: int, year_id: int, grade: int) -> str:
    return f"c{school_id}-{year_id}-{grade}"


def _base(sid: str, row: dict[str, Any], status_key: str = "or_status") -> dict[str, Any]:
    return {"sourcedId": sid, "status": row[status_key], "dateLastModified": _moment(row["modified"])}


def _person(row: dict[str, Any], sid: str, role: str, phone: str, email: str) -> dict[str, Any]:
    given, family, middle = split_name(row["full_name"])
    org = ref("schools", f"org{row['school_id']}", "org")
    record = _base(sid, row)
    record.update(
        {
            "enabledUser": "true" if row["or_status"] == "active" else "false",  # a string in 1.2
            "username": row["moet_code"] or sid,
            "givenName": given,
            "familyName": family,
            "middleName": middle,
            "roles": [{"roleType": "primary", "role": role, "org": org}],
            "primaryOrg": org,
            "grades": [],
            "identifier": row["moet_code"] or "",
            "userMasterIdentifier": row["moet_code"] or "",
            "email": email,
            "phone": phone,
        }
    )
    if row["personal_id"]:
        record["userIds"] = [{"type": "CCCD", "identifier": row["personal_id"]}]
    return record


def user(row: dict[str, Any]) -> dict[str, Any]:
    return _person(row, f"s{row['pk']}", "student", row["parent_phone"] or "", "")


def staff(row: dict[str, Any]) -> dict[str, Any]:
    return _person(row, f"st{row['pk']}", row["or_role"], row["phone"] or "", row["email"] or "")


def demographic(row: dict[str, Any]) -> dict[str, Any]:
    record = _base(f"s{row['pk']}", row)
    if row["date_of_birth"]:
        record["birthDate"] = row["date_of_birth"].isoformat()
    if row["gender"] in ("male", "female"):
        record["sex"] = row["gender"]
    if row["ethnicity"]:
        record["metadata"] = {"vn.ethnicity": row["ethnicity"]}
    return record


def org(row: dict[str, Any]) -> dict[str, Any]:
    record = _base(f"org{row['pk']}", row)
    record.update({"name": row["or_name"], "type": "school", "identifier": row["moet_code"]})
    return record


def session(row: dict[str, Any]) -> dict[str, Any]:
    sid = ("y" if row["type"] == "schoolYear" else "t") + str(row["pk"])
    record: dict[str, Any] = {
        "sourcedId": sid,
        "status": "active",
        "dateLastModified": _moment(row["start_date"]),
        "title": row["code"],
        "type": row["type"],
        "startDate": row["start_date"].isoformat(),
        "endDate": row["end_date"].isoformat(),
        "schoolYear": str(row["end_date"].year),
    }
    if row["parent"]:
        record["parent"] = ref("academicSessions", f"y{row['parent']}", "academicSession")
    return record


def course(row: dict[str, Any]) -> dict[str, Any]:
    sid = course_sid(row["school_id"], row["year_id"], row["grade"])
    record = _base(sid, row)
    record.update(
        {
            "title": f"Khối {row['grade']}" if row["grade"] else "Mầm non",
            "courseCode": f"K{row['grade']}",
            "grades": [GRADES.get(row["grade"], "Other")],
            "schoolYear": ref("academicSessions", f"y{row['year_id']}", "academicSession"),
            "org": ref("schools", f"org{row['school_id']}", "org"),
        }
    )
    return record


def klass(row: dict[str, Any]) -> dict[str, Any]:
    record = _base(f"cl{row['pk']}", row)
    record.update(
        {
            "title": row["name"],
            "classCode": row["name"],
            "classType": "homeroom",
            "grades": [GRADES.get(row["grade"], "Other")],
            "course": ref("courses", course_sid(row["school_id"], row["year_id"], row["grade"]), "course"),
            "school": ref("schools", f"org{row['school_id']}", "org"),
            "terms": [ref("academicSessions", f"y{row['year_id']}", "academicSession")],
        }
    )
    return record


def enrolment(row: dict[str, Any]) -> dict[str, Any]:
    record = _base(f"e{row['enrolments__pk']}", row, "e_status")
    record.update(
        {
            "role": "student",
            "primary": "false",  # a string enum in 1.2
            "user": ref("users", f"s{row['pk']}", "user"),
            "class": ref("classes", f"cl{row['enrolments__school_class_id']}", "class"),
            "school": ref("schools", f"org{row['enrolments__school_id']}", "org"),
            "beginDate": row["enrolments__start_date"].isoformat() if row["enrolments__start_date"] else None,
            "endDate": row["enrolments__end_date"].isoformat() if row["enrolments__end_date"] else None,
        }
    )
    return {k: v for k, v in record.items() if v is not None}


def assignment(row: dict[str, Any]) -> dict[str, Any]:
    record = _base(f"ta{row['assignments__pk']}", row, "e_status")
    record.update(
        {
            "role": "teacher",
            "primary": "false",  # a string enum in 1.2
            "user": ref("users", f"st{row['pk']}", "user"),
            "class": ref("classes", f"cl{row['assignments__school_class_id']}", "class"),
            "school": ref("schools", f"org{row['assignments__school_class__school_id']}", "org"),
        }
    )
    return record


def gone(row: dict[str, Any]) -> dict[str, Any]:
    """A record the app can no longer see (sources.gone_source): a deletion, nothing else."""
    return {
        "sourcedId": f"{row['or_prefix']}{row['object_id']}",
        "status": "tobedeleted",
        "dateLastModified": _moment(row["modified"]),
    }


BUILDERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "gone": gone,
    "user": user,
    "staff": staff,
    "demographic": demographic,
    "org": org,
    "session": session,
    "course": course,
    "class": klass,
    "enrolment": enrolment,
    "assignment": assignment,
}
# The school a row belongs to (its flow decides the fields), per builder.
SCHOOL_KEY = {
    "user": "school_id",
    "staff": "school_id",
    "demographic": "school_id",
    "enrolment": "enrolments__school_id",
    "assignment": "assignments__school_class__school_id",
}
PEOPLE_KINDS = frozenset({"user", "staff", "demographic"})
ENROLMENT_FIELDS = frozenset(
    {
        "sourcedId",
        "status",
        "dateLastModified",
        "role",
        "primary",
        "user",
        "class",
        "school",
        "beginDate",
        "endDate",
    }
)


def allowed_fields(kind: str, caller: PartnerCaller, school_id: int | None) -> frozenset[str] | None:
    """The fields this caller may receive for a row of `kind` (None: no personal data, all)."""
    if kind in ("user", "staff"):
        return user_fields(caller.categories(school_id))
    if kind == "demographic":
        return demographic_fields(caller.categories(school_id))
    if kind in ("enrolment", "assignment"):
        if Category.ROSTER in caller.categories(school_id):
            return ENROLMENT_FIELDS
        return frozenset({"sourcedId", "status", "dateLastModified"})
    return None


def build(kind: str, row: dict[str, Any], caller: PartnerCaller, wanted: list[str] | None) -> dict[str, Any]:
    record = BUILDERS[kind](row)
    key = SCHOOL_KEY.get(kind)
    allowed = allowed_fields(kind, caller, row[key] if key else None)
    if record["status"] == "tobedeleted" and allowed is not None:
        allowed = frozenset({"sourcedId", "status", "dateLastModified"})
    keep = record.keys() if allowed is None else allowed
    if allowed is not None and "username" in record and "identifier" not in allowed:
        # username carries the MOET code, a sector identifier: an app without that category
        # gets the opaque sourcedId in its place (1.2 requires a username).
        record["username"] = record["sourcedId"]
    if wanted is not None:
        return {k: record[k] for k in wanted if k in record and k in keep}
    return {k: v for k, v in record.items() if k in keep}


def known_fields(kind: str, caller: PartnerCaller) -> frozenset[str]:
    """Every field a `fields=` parameter may name for this collection and caller."""
    fields: set[str] = {"sourcedId", "status", "dateLastModified"}
    for school_id in caller.school_ids:
        fields |= allowed_fields(kind, caller, school_id) or frozenset()
    if allowed_fields(kind, caller, None) is None:
        fields |= STATIC_FIELDS.get(kind, frozenset())
    return frozenset(fields)


def query_fields(kind: str, caller: PartnerCaller) -> frozenset[str] | None:
    """The fields a filter or sort may name on people's rows (None: no personal data, any):
    those every approved school lets this app receive — a filter on a field one school keeps
    back would tell, by the rows it keeps, what that school holds."""
    if allowed_fields(kind, caller, None) is None:
        return None
    common: set[str] = {"sourcedId", "status", "dateLastModified"}
    sets = [allowed_fields(kind, caller, s) or frozenset() for s in caller.school_ids]
    if sets:
        common |= frozenset.intersection(*sets)
    if "roles" in common:
        common.add("role")
    if "identifier" not in common:
        common.discard("username")  # filtered on the MOET code it holds
    return frozenset(common)


STATIC_FIELDS = {
    "org": frozenset({"name", "type", "identifier"}),
    "session": frozenset({"title", "type", "startDate", "endDate", "schoolYear", "parent"}),
    "course": frozenset({"title", "courseCode", "grades", "schoolYear", "org"}),
    "class": frozenset({"title", "classCode", "classType", "grades", "course", "school", "terms"}),
}
