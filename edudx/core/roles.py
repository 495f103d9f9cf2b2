"""Roles and the permissions each carries.

Roles are fixed words of the sector; which permissions a role carries is declared by each
app in its own `permissions.py` through `grant()`, so a new module adds its permissions
without editing this file. A membership attaches a role to an org unit (and its subtree)
or to a grouping (and the subtrees of its members).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DEPT_ADMIN = "dept_admin", _("Department administrator")
    DEPT_OFFICER = "dept_officer", _("Department officer")
    WARD_OFFICER = "ward_officer", _("Ward/commune officer")
    CLUSTER_LEAD = "cluster_lead", _("Cluster lead")
    SCHOOL_ADMIN = "school_admin", _("School administrator")
    TEACHER = "teacher", _("Teacher")
    STUDENT = "student", _("Student")
    VIEWER = "viewer", _("Viewer")


# Which roles a holder of a role may grant, inside their own scope only.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.DEPT_ADMIN: frozenset(Role.values),
    Role.SCHOOL_ADMIN: frozenset({Role.SCHOOL_ADMIN, Role.TEACHER, Role.STUDENT, Role.VIEWER}),
}

_PERMISSIONS: dict[str, set[str]] = defaultdict(set)
_KNOWN: set[str] = set()


def grant(role: str, *permissions: str) -> None:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    for perm in permissions:
        _KNOWN.add(perm)
        _PERMISSIONS[role].add(perm)


def declare(*permissions: str) -> None:
    """Declare a permission even if no role carries it yet (keeps typos loud)."""
    _KNOWN.update(permissions)


def permissions_of(role: str) -> frozenset[str]:
    return frozenset(_PERMISSIONS.get(role, ()))


def roles_with(permission: str) -> frozenset[str]:
    if permission not in _KNOWN:
        raise KeyError(f"unknown permission {permission!r}; declare it in the app's permissions.py")
    return frozenset(role for role, perms in _PERMISSIONS.items() if permission in perms)


def known_permissions() -> frozenset[str]:
    return frozenset(_KNOWN)
