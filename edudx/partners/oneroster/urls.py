"""OneRoster 1.2 rostering routes, under /partners/ims/oneroster/rostering/v1p2/."""

from __future__ import annotations

from django.urls import path

from . import views as v

C, D = v.CORE, v.DEMOGRAPHICS


def _users(**options):
    return lambda caller, where: v.users(caller, where, **options)


ROUTES = [
    ("orgs", "orgs", "org", v.orgs, C, None),
    ("schools", "orgs", "org", v.orgs, C, None),
    ("academicSessions", "academicSessions", "session", v.sessions, C, None),
    ("courses", "courses", "course", v.courses, C, None),
    ("classes", "classes", "class", v.classes, C, None),
    ("users", "users", "user", _users(), C, None),
    ("students", "users", "user", _users(staff=False), C, None),
    ("teachers", "users", "staff", _users(pupils=False, teachers_only=True), C, None),
    ("enrollments", "enrollments", "enrolment", v.enrollments, C, None),
    ("demographics", "demographics", "demographic", v.demographics, D, None),
]
SINGULAR = {
    "orgs": "org",
    "schools": "org",
    "academicSessions": "academicSession",
    "courses": "course",
    "classes": "class",
    "users": "user",
    "students": "user",
    "teachers": "user",
    "enrollments": "enrollment",
    "demographics": "demographics",
}
KWARG = {
    "orgs": "org_sid",
    "schools": "org_sid",
    "academicSessions": "session_sid",
    "courses": "course_sid",
    "classes": "class_sid",
    "users": "user_sid",
    "students": "user_sid",
    "teachers": "user_sid",
    "enrollments": "enrollment_sid",
    "demographics": "user_sid",
}
# Nested reads: (parent collection, child, wrapper, kind, sources, parent key, parent prefix, options)
NESTED = [
    ("schools", "classes", "classes", "class", v.classes, "school", "org", {}),
    ("schools", "courses", "courses", "course", v.courses, "school", "org", {}),
    ("schools", "students", "users", "user", v.users, "school", "org", {"staff": False}),
    (
        "schools",
        "teachers",
        "users",
        "staff",
        v.users,
        "school",
        "org",
        {"pupils": False, "teachers_only": True},
    ),
    ("schools", "enrollments", "enrollments", "enrolment", v.enrollments, "school", "org", {}),
    ("classes", "students", "users", "user", v.users, "klass", "cl", {"staff": False}),
    (
        "classes",
        "teachers",
        "users",
        "staff",
        v.users,
        "klass",
        "cl",
        {"pupils": False, "teachers_only": True},
    ),
    ("classes", "enrollments", "enrollments", "enrolment", v.enrollments, "klass", "cl", {}),
]
PARENTS = {"schools": v.orgs, "classes": v.classes}

urlpatterns = []
for name, wrapper, kind, make, needs, _p in ROUTES:
    urlpatterns.append(path(f"{name}", v.door(wrapper, kind, make, needs), name=f"or_{name}"))
    urlpatterns.append(
        path(
            f"{name}/<str:{KWARG[name]}>",
            v.door(SINGULAR[name], kind, make, needs, single=True),
            name=f"or_{name}_one",
        )
    )
for parent, child, wrapper, kind, make, key, prefix, options in NESTED:
    urlpatterns.append(
        path(
            f"{parent}/<str:{KWARG[parent]}>/{child}",
            v.door(wrapper, kind, v.nested(make, key, prefix, **options), C, parent=PARENTS[parent]),
            name=f"or_{parent}_{child}",
        )
    )
