"""The Scope: the one answer to "what may this user see and do".

A Scope is built once per request (accounts.services.scope_for_user) from the user's
memberships. Every selector filters through `scope.filter_q(...)` and every service checks
`scope.require(...)` before writing. Units are addressed by their materialised path
(see orgs.models.OrgUnit.path): a grant on a unit covers every unit whose path starts with
the unit's path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from . import roles
from .errors import PermissionDenied


def path_upper_bound(path: str) -> str:
    """Smallest string greater than every path that starts with `path`.

    Paths are fixed-width digit segments, so incrementing the last digit-string gives a bound
    that is correct under any collation (digits sort the same everywhere) and lets both
    SQLite and PostgreSQL use a plain b-tree range scan.
    """
    width = len(path)
    return str(int(path) + 1).zfill(width)


def subtree_q(path: str, field_name: str) -> Q:
    return Q(**{f"{field_name}__gte": path, f"{field_name}__lt": path_upper_bound(path)})


# The paths of the tree's roots (units without a parent), provided by the orgs app at start-up
# (core imports no domain app). A scope holding every root sees every unit.
_root_paths: Callable[[], tuple[str, ...]] | None = None
_root_length = 0  # length of a root's path: a scope without such a path cannot hold every root


def set_root_paths_provider(provider: Callable[[], tuple[str, ...]], *, root_length: int) -> None:
    global _root_paths, _root_length
    _root_paths, _root_length = provider, root_length


def _anywhere_q(path_field: str) -> Q:
    """What a scope holding every root of the tree may see: everything, so no condition at all.

    Even "has a school" lets the planner drive the query from that column's index and sort
    millions of rows before the first page; no condition lets a list walk its own sort index.
    (Records attached to no unit at all — a pupil who left the city's schools — are the
    department's to see.) Not an empty Q: callers OR other conditions onto this one, and
    `Q() | X` is just X. A primary key is never NULL, so databases drop the test.
    """
    return Q(pk__isnull=False)


@dataclass(frozen=True)
class Grant:
    role: str
    # Materialised paths of the units the grant covers (one for a unit membership,
    # one per member for a grouping membership).
    paths: tuple[str, ...]
    unit_id: int | None = None
    grouping_id: int | None = None


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    grants: tuple[Grant, ...] = ()
    is_system: bool = False
    # Records tied to the user themself (a student's own record).
    student_id: int | None = None
    staff_id: int | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    # ----- construction helpers
    @classmethod
    def system(cls) -> Scope:
        """Everything, for the CLI, demo loader and background jobs started by the system."""
        return cls(user_id=None, is_system=True)

    @classmethod
    def anonymous(cls) -> Scope:
        return cls(user_id=None)

    # ----- questions
    @property
    def is_authenticated(self) -> bool:
        return self.is_system or self.user_id is not None

    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *role_names: str) -> bool:
        return self.is_system or any(g.role in role_names for g in self.grants)

    def paths_for(self, permission: str) -> tuple[str, ...] | None:
        """Unit paths where `permission` holds; None means everywhere (system scope)."""
        if self.is_system:
            return None
        key = ("paths", permission)
        if key not in self._cache:
            allowed = roles.roles_with(permission)
            paths = sorted({p for g in self.grants if g.role in allowed for p in g.paths})
            # Drop paths already covered by an ancestor path.
            pruned: list[str] = []
            for p in paths:
                if not any(p.startswith(a) for a in pruned):
                    pruned.append(p)
            self._cache[key] = tuple(pruned)
        cached: tuple[str, ...] = self._cache[key]
        return cached

    def has_perm(self, permission: str) -> bool:
        paths = self.paths_for(permission)
        return paths is None or bool(paths)

    def can(self, permission: str, unit_path: str | None) -> bool:
        paths = self.paths_for(permission)
        if paths is None:
            return True
        if not unit_path:
            return False
        return any(unit_path.startswith(p) for p in paths)

    def require(self, permission: str, unit_path: str | None) -> None:
        if not self.can(permission, unit_path):
            raise PermissionDenied()

    def require_any(self, permission: str) -> None:
        if not self.has_perm(permission):
            raise PermissionDenied()

    def _covers_every_root(self, paths: tuple[str, ...]) -> bool:
        if _root_paths is None or not any(len(p) == _root_length for p in paths):
            return False
        if "roots" not in self._cache:
            self._cache["roots"] = frozenset(_root_paths())
        roots = self._cache["roots"]
        return bool(roots) and roots <= set(paths)

    def covers_everything(self, permission: str) -> bool:
        """Whether `permission` holds over every unit: `filter_q` then filters nothing."""
        paths = self.paths_for(permission)
        return paths is None or (bool(paths) and self._covers_every_root(paths))

    def filter_q(self, permission: str, path_field: str) -> Q:
        """A Q limiting rows to those whose unit path lies in the scope for `permission`."""
        paths = self.paths_for(permission)
        if paths is None:
            return _anywhere_q(path_field)
        if not paths:
            return Q(pk__in=[])
        if self._covers_every_root(paths):
            return _anywhere_q(path_field)
        q = Q()
        for p in paths:
            q |= subtree_q(p, path_field)
        return q
