"""Writes of the partner registry and app catalogue: companies, apps and their review workflow,
contracts, contacts, and the schools' requests with the department's (or ward's) decision."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, FieldError, PermissionDenied, ValidationFailed
from edudx.core.roles import Role
from edudx.core.services import create_with_history, full_clean_or_raise, update_with_history
from edudx.policies import selectors as policies

from .. import permissions as perms
from ..models import (
    AppKind,
    AppState,
    Company,
    Contact,
    Contract,
    LegalBasis,
    PartnerApp,
    SchoolApp,
)
from ..profiles import REVIEW_ITEMS, REVIEW_KEYS, Category
from ..schemas import AppIn, CompanyIn, ContactIn, ContractIn, ReviewIn
from .announce import announce

COMPANY_FIELDS = ("name", "tax_code", "website", "address")
APP_FIELDS = ("name", "kind", "description", "categories")


def _manage(actor: Actor) -> None:
    actor.scope.require_any(perms.MANAGE)


@transaction.atomic
def company_create(*, actor: Actor, data: CompanyIn) -> Company:
    _manage(actor)
    company = Company(**data.model_dump())
    return create_with_history(
        actor=actor, obj=company, fields=COMPANY_FIELDS, operation="partners.company_create"
    )


@transaction.atomic
def contact_add(*, actor: Actor, company: Company, data: ContactIn) -> Contact:
    _manage(actor)
    contact = Contact(company=company, **data.model_dump())
    return create_with_history(
        actor=actor, obj=contact, fields=("name", "role", "email", "phone"), operation="partners.contact_add"
    )


def _check_app(data: AppIn) -> None:
    problems = []
    if data.kind not in AppKind.values:
        problems.append(FieldError("kind", "invalid_choice", str(_("Choose a kind from the list."))))
    unknown = [c for c in data.categories if c not in Category.values]
    if unknown:
        problems.append(
            FieldError("categories", "invalid_choice", str(_("Choose categories from the list.")))
        )
    if problems:
        raise ValidationFailed(_("The app is not valid."), details=problems)


@transaction.atomic
def app_create(*, actor: Actor, company: Company, data: AppIn) -> PartnerApp:
    _manage(actor)
    _check_app(data)
    app = PartnerApp(company=company, **data.model_dump())
    return create_with_history(actor=actor, obj=app, fields=APP_FIELDS, operation="partners.app_create")


@transaction.atomic
def app_update(*, actor: Actor, app: PartnerApp, data: AppIn) -> PartnerApp:
    """Name, kind, description and field profile. Narrowing the profile of an approved app
    takes effect at the next request; widening it needs the review again (back to draft)."""
    _manage(actor)
    _check_app(data)
    app = PartnerApp.objects.select_for_update().get(pk=app.pk)
    if app.state == AppState.APPROVED and not set(data.categories) <= set(app.categories):
        raise Conflict(
            _("Widening the data of an approved app needs a new review: suspend it first."),
            code="profile_widening",
        )
    narrowed = app.state == AppState.APPROVED and set(data.categories) < set(app.categories)
    update_with_history(
        actor=actor, obj=app, data=data.model_dump(), fields=APP_FIELDS, operation="partners.app_update"
    )
    if narrowed:  # every record the app receives is sent again, cut to the narrower profile
        announce(app)
    return app


@transaction.atomic
def app_review(*, actor: Actor, app: PartnerApp, data: ReviewIn) -> PartnerApp:
    """Record the department's checklist (items are data: profiles.REVIEW_ITEMS)."""
    _manage(actor)
    unknown = set(data.items) - REVIEW_KEYS
    if unknown:
        raise ValidationFailed(_("Unknown review item."), code="unknown_review_item")
    review = {k: {"ok": bool(ok), "note": note[:500]} for k, (ok, note) in data.items.items()}
    app = PartnerApp.objects.select_for_update().get(pk=app.pk)
    update_with_history(
        actor=actor, obj=app, data={"review": review}, fields=("review",), operation="partners.app_review"
    )
    return app


def review_complete(app: PartnerApp) -> bool:
    return all((app.review.get(k) or {}).get("ok") for k, _label in REVIEW_ITEMS)


MOVES = {"submit", "send_back", "approve", "suspend", "retire"}


@transaction.atomic
def app_move(*, actor: Actor, app: PartnerApp, move: str, note: str = "") -> PartnerApp:
    """One move of the review workflow (draft → under review → approved → suspended → retired)."""
    _manage(actor)
    if move not in MOVES:
        raise ValidationFailed(_("Unknown step."), code="unknown_step")
    app = PartnerApp.objects.select_for_update().get(pk=app.pk)
    step = getattr(app, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while the app is “%(state)s”.") % {"state": app.get_state_display()},
            code="bad_state",
        )
    if move == "approve" and not review_complete(app):
        raise Conflict(_("Complete the privacy and security review first."), code="review_incomplete")
    if move in ("suspend", "retire") and app.state == AppState.APPROVED:
        announce(app)  # before the move: what the app could see leaves its view
    before = history.snapshot(app, ["state"])
    step()
    changes = history.diff(before, history.snapshot(app, ["state"]))
    full_clean_or_raise(app)
    app.save(update_fields=["state", "updated_at"])
    history.record(
        actor=actor, obj=app, action=move, changes=changes, operation=f"partners.app_{move}", note=note
    )
    if move == "approve":
        announce(app)  # after the move: its approved schools' records (back) in its view
    return app


@transaction.atomic
def contract_add(*, actor: Actor, app: PartnerApp, data: ContractIn) -> Contract:
    _manage(actor)
    if data.valid_until and data.valid_until < data.signed_on:
        raise ValidationFailed(
            _("The contract ends before it is signed."),
            details=[FieldError("valid_until", "before_signed", str(_("Choose a later date.")))],
        )
    contract = Contract(app=app, **data.model_dump())
    return create_with_history(
        actor=actor,
        obj=contract,
        fields=("reference", "signed_on", "valid_until", "note"),
        operation="partners.contract_add",
    )


# ----- a school's use of an app
@transaction.atomic
def use_request(
    *, actor: Actor, app: PartnerApp, school: Any, legal_basis: str, purpose: str = ""
) -> SchoolApp:
    """A school asks for an approved app, naming the legal basis of the flow."""
    actor.scope.require(perms.REQUEST, school.unit.path)
    if app.state != AppState.APPROVED:
        raise Conflict(_("Only an approved app can be requested."), code="app_not_approved")
    if legal_basis not in LegalBasis.values:
        raise ValidationFailed(
            _("Choose a legal basis."),
            details=[FieldError("legal_basis", "invalid_choice", str(_("Choose a legal basis.")))],
        )
    use = SchoolApp.objects.select_for_update().filter(app=app, school=school).first()
    if use is None:
        use = SchoolApp(app=app, school=school, legal_basis=legal_basis, purpose=purpose[:255])
        return create_with_history(
            actor=actor,
            obj=use,
            fields=("legal_basis", "purpose", "state"),
            operation="partners.use_request",
        )
    if not can_proceed(use.request_again):
        raise Conflict(_("This school already asked for this app."), code="already_requested")
    return _use_step(actor, use, "request_again", {"legal_basis": legal_basis, "purpose": purpose[:255]})


def _require_approver(actor: Actor, use: SchoolApp) -> None:
    """The sharing policy says who approves: the department, or the ward of the school."""
    path = use.school.unit.path
    actor.scope.require(perms.APPROVE, path)
    if policies.sharing_rules().approval_by == "department" and not actor.scope.has_role(
        Role.DEPT_ADMIN, Role.DEPT_OFFICER
    ):
        raise PermissionDenied(_("The sharing policy leaves this decision to the department."))


def _use_step(actor: Actor, use: SchoolApp, move: str, extra: dict[str, Any] | None = None) -> SchoolApp:
    use = SchoolApp.objects.select_for_update().select_related("school__unit", "app").get(pk=use.pk)
    step = getattr(use, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while the request is “%(state)s”.")
            % {"state": use.get_state_display()},
            code="bad_state",
        )
    extra = extra or {}
    if move == "revoke" and use.app.state == AppState.APPROVED:
        announce(use.app, [use.school_id])  # before: every record the app saw there leaves
    fields = ["state", "decided_at", *extra]
    before = history.snapshot(use, fields)
    step()
    for key, value in extra.items():
        setattr(use, key, value)
    if move != "request_again":
        use.decided_at = timezone.now()
    changes = history.diff(before, history.snapshot(use, fields))
    use.save(update_fields=[*fields, "updated_at"])
    history.record(actor=actor, obj=use, action=move, changes=changes, operation=f"partners.use_{move}")
    if move == "approve" and use.app.state == AppState.APPROVED:
        announce(use.app, [use.school_id])  # after: the school's records enter the app's view
    return use


@transaction.atomic
def use_decide(*, actor: Actor, use: SchoolApp, approve: bool) -> SchoolApp:
    _require_approver(actor, use)
    if approve and use.app.state != AppState.APPROVED:
        raise Conflict(_("Only an approved app can be allowed for a school."), code="app_not_approved")
    return _use_step(actor, use, "approve" if approve else "refuse")


@transaction.atomic
def use_revoke(*, actor: Actor, use: SchoolApp) -> SchoolApp:
    """Stop the flow (the department, the ward by policy, or the school itself)."""
    if not actor.scope.can(perms.REQUEST, use.school.unit.path):
        _require_approver(actor, use)
    return _use_step(actor, use, "revoke")
