"""LRS management API (/api/v1/lrs/): the platform's own view of the learning records.
The xAPI endpoints themselves are plain Django views under /lrs/xapi/ (see urls.py)."""

from __future__ import annotations

from ninja import Router, Schema

from edudx.core.api_errors import errors

from . import permissions as perms
from . import selectors, services

router = Router(tags=["lrs"])


class Totals(Schema):
    statements: int
    learners: int
    activities: int
    completions: int


class CredentialOut(Schema):
    id: int
    name: str
    key: str
    unit_id: int
    is_active: bool
    can_read: bool
    can_write: bool


@router.get(
    "/summary", response={200: Totals, **errors(403)}, summary="Learning-record totals in the caller's scope"
)
def summary(request):
    request.scope.require_any(perms.VIEW_ANALYTICS)
    services.analytics_refresh()
    return selectors.statement_summary(scope=request.scope)["totals"]


@router.get(
    "/credentials", response={200: list[CredentialOut], **errors(403)}, summary="xAPI keys the caller manages"
)
def credentials(request):
    request.scope.require_any(perms.MANAGE_CREDENTIALS)
    return list(selectors.credential_list(scope=request.scope).order_by("name", "id")[:500])
