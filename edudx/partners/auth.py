"""The partner door's one bearer check. People's API tokens (accounts.api_auth.TokenAuth, every
/api/v1/ operation) and partner tokens (OAuth 2.0 access tokens of django-oauth-toolkit) are
different tables: a partner token opens only the doors that call `partner_caller`, a person's
token none of them. The caller carries the Scope built from the schools that approved its app,
so the registry selectors' own scoping applies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage
from oauth2_provider.oauth2_backends import get_oauthlib_core

from edudx.core.roles import Role
from edudx.core.scope import Grant, Scope
from edudx.policies import selectors as policies

from .models import AppState, LegalBasis, PartnerApp, PartnerClient, SchoolApp, UseState
from .profiles import Category

# The role whose registry permissions a partner's Scope borrows over its approved schools:
# registry.view and registry.view_people, never view_pii (fields are the profile's business).
PARTNER_ROLE = Role.TEACHER


@dataclass(frozen=True)
class Flow:
    school_id: int
    unit_path: str
    legal_basis: str
    categories: frozenset[str]  # the app's profile narrowed by the sharing policy for this basis


@dataclass(frozen=True)
class PartnerCaller:
    client: PartnerClient
    app: PartnerApp
    scopes: frozenset[str]
    flows: dict[int, Flow]
    scope: Scope
    consent_age: int
    today: dt.date
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def school_ids(self) -> list[int]:
        return sorted(self.flows)

    def categories(self, school_id: int | None) -> frozenset[str]:
        flow = self.flows.get(school_id) if school_id is not None else None
        return flow.categories if flow else frozenset()

    def all_categories(self) -> frozenset[str]:
        out: set[str] = set()
        for f in self.flows.values():
            out |= f.categories
        return frozenset(out)


def _flows(app: PartnerApp) -> dict[int, Flow]:
    rules = policies.sharing_rules()
    out = {}
    uses = SchoolApp.objects.filter(app=app, state=UseState.APPROVED).values(
        "school_id", "school__unit__path", "legal_basis"
    )
    for use in uses:
        allowed_by_kind: dict[str, list[str]] = rules.allowed.get(cast(Any, use["legal_basis"])) or {}
        allowed = set(allowed_by_kind.get(app.kind, allowed_by_kind.get("*", [])))
        cats = frozenset(c for c in app.categories if c in allowed and c in Category.values)
        out[use["school_id"]] = Flow(use["school_id"], use["school__unit__path"], use["legal_basis"], cats)
    return out


COMPRESS_FROM = 32  # fewer approved schools: one range each
EXACT_FROM = 64  # more ranges than this after grant_paths: a join on the app's approvals instead


@dataclass(frozen=True)
class PartnerScope(Scope):
    """A partner's Scope. Up to EXACT_FROM unit ranges it filters like any Scope; beyond, one
    range per scattered school (an app approved at ~900 schools of wards none of which is whole)
    is an OR deeper than SQLite's expression-tree limit (1,000): the rows' unit path is then
    matched against the app's approved schools' paths read by a subquery on the approval table
    (exact, no parameter per school, the same on SQLite and PostgreSQL), narrowed by the user's
    own scope for a user-bound token."""

    app_id: int | None = None
    user_scope: Scope | None = None

    def filter_q(self, permission: str, path_field: str) -> Q:
        paths = self.paths_for(permission)
        if self.app_id is None or paths is None or len(paths) <= EXACT_FROM:
            return super().filter_q(permission, path_field)
        approved = SchoolApp.objects.filter(app_id=self.app_id, state=UseState.APPROVED).values(
            "school__unit__path"
        )
        q = Q(**{f"{path_field}__in": approved})
        if self.user_scope is not None:
            q &= self.user_scope.filter_q("registry.view_people", path_field)
        return q


def grant_paths(paths: set[str]) -> tuple[str, ...]:
    """The unit paths of the partner's Scope: the approved schools' paths, each replaced by its
    highest ancestor whose schools are all approved (a ward, the city). One range per school
    made an app approved at every school of the city a 1,000-term OR, beyond SQLite's expression
    depth (a 500 on every door). Only ever covers approved schools' units; the sources filter
    on the approved school ids as well."""
    if len(paths) <= COMPRESS_FROM:
        return tuple(sorted(paths))
    from edudx.orgs import services as orgs
    from edudx.registry import selectors as registry

    schools, _order = registry.school_list(scope=Scope.system())
    every = list(schools.values_list("unit__path", flat=True))
    width: int = orgs.SEGMENT_WIDTH
    total: dict[str, int] = {}
    for p in every:
        for k in range(width, len(p), width):
            total[p[:k]] = total.get(p[:k], 0) + 1
    approved: dict[str, int] = {}
    for p in paths:
        for k in range(width, len(p), width):
            approved[p[:k]] = approved.get(p[:k], 0) + 1
    out = set()
    for p in paths:
        top = next((p[:k] for k in range(width, len(p), width) if approved.get(p[:k]) == total.get(p[:k])), p)
        out.add(top)
    return tuple(sorted(out))


def caller_for_client(client: PartnerClient, scopes: frozenset[str]) -> PartnerCaller | None:
    app = client.app
    if client.revoked_at or app.state not in (AppState.APPROVED, AppState.SUSPENDED, AppState.RETIRED):
        return None
    # A suspended or retired app's client still reads its deletions (the change rows its view
    # left, services.announce) and nothing else: no school flows to it.
    flows = _flows(app) if app.state == AppState.APPROVED else {}
    paths = grant_paths({f.unit_path for f in flows.values()})
    grants = (Grant(role=PARTNER_ROLE, paths=paths),) if flows else ()
    rules = policies.sharing_rules()
    return PartnerCaller(
        client=client,
        app=app,
        scopes=scopes,
        flows=flows,
        scope=PartnerScope(user_id=None, grants=grants, app_id=app.pk),
        consent_age=rules.consent_age,
        today=timezone.localdate(),
    )


def caller_for_app(app: PartnerApp, school_ids: set[int] | None = None) -> PartnerCaller:
    """The app's view with no client, whatever its state: what it may receive from its approved
    schools (or those of `school_ids` among them) — for writing the rows of a school leaving or
    entering its view (services.announce)."""
    flows = {k: f for k, f in _flows(app).items() if school_ids is None or k in school_ids}
    paths = grant_paths({f.unit_path for f in flows.values()})
    grants = (Grant(role=PARTNER_ROLE, paths=paths),) if flows else ()
    return PartnerCaller(
        client=cast(PartnerClient, None),
        app=app,
        scopes=frozenset(),
        flows=flows,
        scope=PartnerScope(user_id=None, grants=grants, app_id=app.pk),
        consent_age=policies.sharing_rules().consent_age,
        today=timezone.localdate(),
    )


def partner_caller(request: HttpRequest) -> PartnerCaller | None:
    """The partner behind the request's `Authorization: Bearer` OAuth token, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() != "bearer ":
        return None
    valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
    token = getattr(oauth_request, "access_token", None) if valid else None
    if token is None or token.application_id is None:
        return None
    client = (
        PartnerClient.objects.select_related("app")
        .filter(application_id=token.application_id, revoked_at__isnull=True)
        .first()
    )
    if client is None:
        return None
    caller = caller_for_client(client, frozenset(token.scope.split()))
    if caller is not None and token.user_id is not None:
        caller = for_user(caller, token.user)
    return caller


def for_user(caller: PartnerCaller, user: Any) -> PartnerCaller | None:
    """An app acting for a signed-in user (authorization code): the app's approved schools that
    the user may see themself, nothing more — an inactive user's token opens nothing."""
    from edudx.accounts.services import scope_for_user

    if not user.is_active:
        return None
    own = scope_for_user(user)
    flows = {k: f for k, f in caller.flows.items() if own.can("registry.view_people", f.unit_path)}
    paths = grant_paths({f.unit_path for f in flows.values()})
    grants = (Grant(role=PARTNER_ROLE, paths=paths),) if flows else ()
    return PartnerCaller(
        client=caller.client,
        app=caller.app,
        scopes=caller.scopes,
        flows=flows,
        scope=PartnerScope(user_id=None, grants=grants, app_id=caller.app.pk, user_scope=own),
        consent_age=caller.consent_age,
        today=caller.today,
    )


def rate_limited(request: HttpRequest, caller: PartnerCaller) -> int:
    """Count one request of this client; seconds to wait when over EDUDX_PARTNER_RATE, else 0."""
    usage = get_usage(
        request,
        group="partners.client",
        key=lambda _g, _r: f"client:{caller.client.pk}",
        rate=settings.EDUDX_PARTNER_RATE,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        return max(int(usage["time_left"]), 1)
    return 0


CONSENT = LegalBasis.CONSENT
