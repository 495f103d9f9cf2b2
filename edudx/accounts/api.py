"""Accounts API (/api/v1/accounts/): who am I, and my API tokens."""

from __future__ import annotations

from ninja import Query, Router, Status

from edudx.core import roles
from edudx.core.actor import Actor, Via
from edudx.core.ids import Id
from edudx.core.pagination import paginate

from . import selectors, services
from .schemas import Cursor, MeOut, RoleOut, ScopeSummary, TokenCreated, TokenIn, TokenList, TokenOut

router = Router(tags=["accounts"])


def _own_token(request, token_id: Id):
    return selectors.own_token_get(user=request.user, pk=token_id)


@router.get("/me", response=MeOut, summary="The current user, their roles and a scope summary")
def me(request):
    user = request.user
    memberships = selectors.memberships_of(user=user)
    scope = request.scope
    held = sorted(p for p in roles.known_permissions() if scope.has_perm(p))
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        language=user.language,
        roles=[
            RoleOut(
                role=m.role,
                role_label=str(m.get_role_display()),
                unit_id=m.unit_id,
                unit_name=m.unit.name if m.unit else "",
                grouping_id=m.grouping_id,
                grouping_name=m.grouping.name if m.grouping else "",
            )
            for m in memberships
        ],
        scope=ScopeSummary(
            permissions=held,
            unit_ids=sorted({g.unit_id for g in scope.grants if g.unit_id}),
            grouping_ids=sorted({g.grouping_id for g in scope.grants if g.grouping_id}),
        ),
    )


@router.get("/tokens", response=TokenList, summary="My API tokens")
def token_list(request, page: Query[Cursor]):
    qs = selectors.own_token_list(user=request.user)
    p = paginate(qs, order=("-id",), cursor=page.cursor, limit=page.limit)
    return {
        "items": [TokenOut.model_validate(t) for t in p.items],
        "next_cursor": p.next_cursor,
        "prev_cursor": p.prev_cursor,
    }


@router.post("/tokens", response={201: TokenCreated}, summary="Create an API token (the key is shown once)")
def token_create(request, data: TokenIn):
    token, key = services.token_create(
        actor=Actor.from_request(request, via=Via.API),
        user=request.user,
        name=data.name.strip(),
        expires_at=data.expires_at,
    )
    return Status(201, TokenCreated(**TokenOut.model_validate(token).model_dump(), key=key))


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of my API tokens")
def token_revoke(request, token_id: Id):
    services.token_revoke(actor=Actor.from_request(request, via=Via.API), token=_own_token(request, token_id))
    return Status(204, None)
