"""The OneRoster 1.2 response documents as Pydantic models, written from the spec facts in
`../shared/docs/standards.md` and then checked by reading the official 1EdTech OpenAPI 3 file
of the 1.2 rostering service (`onerosterv1p2rostersservice_openapi3_v1p0.json`, in the
1EdTech/oneroster-bootcamp repository, read through the search tool — not vendored here): its
UserDType, RoleDType, EnrollmentDType, OrgDType, DemographicsDType and status-info vocabularies
(enabledUser and primary are the strings "true"/"false"; roles have no plain "administrator";
the code-minor values are nine). Tests validate every answer against our own JSON Schema
file (`schemas/oneroster-v1p2-rostering.schema.json`, every property, type, enumeration and
format of the 1.2 responses; `json_schema`); these models keep the required lists and reference
types `official_problems` reports in words. Fields beyond sourcedId, status and dateLastModified are
optional: a field profile may cut any of them; `extra="forbid"` makes an unknown field fail."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field

MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$"
DATE = r"^\d{4}-\d{2}-\d{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GUIDRef(_Strict):
    href: str
    sourcedId: str
    type: Literal["academicSession", "class", "course", "org", "user", "enrollment"]


class Base(_Strict):
    sourcedId: str = Field(min_length=1)
    status: Literal["active", "tobedeleted"]
    dateLastModified: str = Field(pattern=MOMENT)
    metadata: dict[str, Any] | None = None


class Org(Base):
    name: str | None = None
    type: Literal["department", "school", "district", "local", "state", "national"] | None = None
    identifier: str | None = None
    parent: GUIDRef | None = None


class AcademicSession(Base):
    title: str | None = None
    type: Literal["gradingPeriod", "semester", "schoolYear", "term"] | None = None
    startDate: str | None = Field(None, pattern=DATE)
    endDate: str | None = Field(None, pattern=DATE)
    parent: GUIDRef | None = None
    schoolYear: str | None = Field(None, pattern=r"^\d{4}$")


class Course(Base):
    title: str | None = None
    courseCode: str | None = None
    grades: list[str] | None = None
    schoolYear: GUIDRef | None = None
    org: GUIDRef | None = None


class Class(Base):
    title: str | None = None
    classCode: str | None = None
    classType: Literal["homeroom", "scheduled"] | None = None
    grades: list[str] | None = None
    course: GUIDRef | None = None
    school: GUIDRef | None = None
    terms: list[GUIDRef] | None = None


class Role(_Strict):
    roleType: Literal["primary", "secondary"]
    role: Literal[
        "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor",
        "relative", "siteAdministrator", "student", "systemAdministrator", "teacher",
    ]  # fmt: skip
    org: GUIDRef


class UserId(_Strict):
    type: str
    identifier: str


class User(Base):
    enabledUser: Literal["true", "false"] | None = None
    username: str | None = None
    givenName: str | None = None
    familyName: str | None = None
    middleName: str | None = None
    roles: list[Role] | None = None
    primaryOrg: GUIDRef | None = None
    grades: list[str] | None = None
    identifier: str | None = None
    userMasterIdentifier: str | None = None
    email: str | None = None
    phone: str | None = None
    userIds: list[UserId] | None = None


class Enrollment(Base):
    role: Literal["administrator", "proctor", "student", "teacher"] | None = None
    primary: Literal["true", "false"] | None = None
    user: GUIDRef | None = None
    # "class" is a Python keyword: the model field is klass, named "class" in the document.
    klass: GUIDRef | None = Field(None, alias="class")
    school: GUIDRef | None = None
    beginDate: str | None = Field(None, pattern=DATE)
    endDate: str | None = Field(None, pattern=DATE)


class Demographics(Base):
    birthDate: str | None = Field(None, pattern=DATE)
    sex: Literal["male", "female", "other", "unspecified"] | None = None


class CodeMinorField(_Strict):
    imsx_codeMinorFieldName: str
    # The official 1.2 OpenAPI's vocabulary (imsx_CodeMinorFieldDType).
    imsx_codeMinorFieldValue: Literal[
        "fullsuccess", "invalid_filter_field", "invalid_selection_field", "invaliddata",
        "unauthorisedrequest", "forbidden", "server_busy", "unknownobject", "internal_server_error",
    ]  # fmt: skip


class CodeMinor(_Strict):
    imsx_codeMinorField: list[CodeMinorField] = Field(min_length=1)


class StatusInfo(_Strict):
    imsx_codeMajor: Literal["success", "processing", "failure", "unsupported"]
    imsx_severity: Literal["status", "warning", "error"]
    imsx_description: str
    imsx_CodeMinor: CodeMinor


# Wrapper key of a collection (plural) or one object (singular) → the record model.
WRAPPERS: dict[str, type[BaseModel]] = {
    "orgs": Org,
    "org": Org,
    "academicSessions": AcademicSession,
    "academicSession": AcademicSession,
    "courses": Course,
    "course": Course,
    "classes": Class,
    "class": Class,
    "users": User,
    "user": User,
    "enrollments": Enrollment,
    "enrollment": Enrollment,
    "demographics": Demographics,
}


# Facts read from the official 1EdTech OneRoster 1.2 rostering OpenAPI 3 file (not vendored: its
# licence grants use for building products, not redistribution; see the partners README): the
# properties each record type requires, and the type every GUID reference field must name.
OFFICIAL_REQUIRED: dict[type[BaseModel], tuple[str, ...]] = {
    Org: ("name", "type", "identifier"),
    AcademicSession: ("title", "startDate", "endDate", "type", "schoolYear"),
    Course: ("title", "courseCode"),
    Class: ("title", "course", "school", "terms"),
    User: ("enabledUser", "givenName", "familyName", "roles"),
    Enrollment: ("user", "class", "school", "role"),
    Demographics: (),
}
OFFICIAL_REF_TYPES: dict[str, str] = {
    "course": "course",
    "school": "org",
    "org": "org",
    "primaryOrg": "org",
    "terms": "academicSession",
    "schoolYear": "academicSession",
    "user": "user",
    "class": "class",
}


def official_problems(wrapper: str, record: dict[str, Any]) -> list[str]:
    """What in one full-profile record departs from the official 1.2 schema's requirements
    (required properties, referenced object types; roles need at least one). A `tobedeleted`
    record is the deliberate minimal form (sourcedId, status, dateLastModified) and is not
    held to the required list."""
    model = WRAPPERS[wrapper]
    out: list[str] = []
    if record.get("status") == "active":
        out += [f"missing {f}" for f in OFFICIAL_REQUIRED[model] if f not in record]
        if model is User and not record.get("roles"):
            out.append("roles empty")
    for name, kind in OFFICIAL_REF_TYPES.items():
        refs = record.get(name)
        for ref in refs if isinstance(refs, list) else [refs] if isinstance(refs, dict) else []:
            if ref.get("type") != kind:
                out.append(f"{name} refers to {ref.get('type')}, not {kind}")
    for role in record.get("roles") or []:
        if role["org"]["type"] != "org":
            out.append("role org is not an org")
    return out


SCHEMA_FILE = Path(__file__).parent / "schemas" / "oneroster-v1p2-rostering.schema.json"


@functools.cache
def _schema_file() -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def json_schema(wrapper: str, *, many: bool = True, full: bool = False) -> dict[str, Any]:
    """The JSON Schema of an answer `{wrapper: [record…]}` or `{wrapper: record}` (the wrapper
    says which) from our own OneRoster 1.2 schema file (schemas/README.md). `full`: an active
    record must carry what the spec requires (a full-profile answer); else only sourcedId,
    status and dateLastModified are required — a field profile may cut any other field.
    `wrapper="status"`: the status-info error body. `many` is kept for callers; the file's
    response for the wrapper decides."""
    doc = copy.deepcopy(_schema_file())
    defs = doc["$defs"]
    if not full:
        for definition in defs.values():
            definition.pop("if", None)
            definition.pop("then", None)
    body = {"$ref": "#/$defs/StatusInfo"} if wrapper == "status" else doc["responses"][wrapper]
    return {"$schema": doc["$schema"], "$defs": defs, **body}
