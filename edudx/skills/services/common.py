"""What the skills services share: the department's unit and the coverage aggregates to touch."""

from __future__ import annotations

from edudx.core import aggregates
from edudx.core.actor import Actor
from edudx.core.errors import PermissionDenied
from edudx.orgs import selectors as org_selectors

COVERAGE = "skills.coverage"
HEATMAP = "skills.heatmap"


def city_path() -> str:
    """The path of the department's unit (the tree's root): catalogue, frameworks and imported
    result lists belong to it."""
    root = org_selectors.root_units().order_by("path").first()
    if root is None:
        raise PermissionDenied()
    return str(root.path)


def require_city(actor: Actor, permission: str) -> str:
    path = city_path()
    actor.scope.require(permission, path)
    return path


# Above this many schools a write (an import) leaves the recount to the background refresh
# instead of recounting every school's pupils inside its transaction.
TOUCH_MAX_SCHOOLS = 50


def touch(school_ids: list[int], *, heatmap: bool = False) -> None:
    """Keep the coverage (and heatmap) figures of these schools current: in this transaction for
    a few schools, by one queued background refresh for many."""
    ids = sorted({i for i in school_ids if i})
    names = [COVERAGE, HEATMAP] if heatmap else [COVERAGE]
    for name in names:
        if len(ids) > TOUCH_MAX_SCHOOLS:
            aggregates.request_refresh(name)
        elif ids:
            aggregates.touch(name, ids)


def own_staff_id(actor: Actor) -> int | None:
    """The id of the staff record linked to the actor's login (None: no login, or none linked)."""
    from edudx.registry import selectors as registry_selectors

    if actor.user is None:
        return None
    qs, _order = registry_selectors.staff_list(scope=actor.scope)
    pk: int | None = qs.filter(user_id=actor.user.pk).values_list("pk", flat=True).first()
    return pk
