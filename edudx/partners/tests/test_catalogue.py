"""The catalogue's review workflow, a school's request and its approval, clients, consent."""

from __future__ import annotations

import datetime as dt

import pytest

from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied
from edudx.core.models import HistoryEntry
from edudx.core.roles import Role
from edudx.partners import services
from edudx.partners.models import AppState, Company, UseState
from edudx.partners.profiles import REVIEW_KEYS
from edudx.partners.schemas import AppIn, CompanyIn, ReviewIn
from edudx.policies import services as policies
from edudx.policies.rules import DATA_SHARING

from .conftest import approved_app, token_for

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(source="test")


def _draft():
    n = Company.objects.count()
    company = services.company_create(actor=SYSTEM, data=CompanyIn(name=f"Công ty Nháp {n}"))
    return services.app_create(actor=SYSTEM, company=company, data=AppIn(name="Nháp", categories=["roster"]))


def test_every_move_from_every_state():
    allowed = {
        AppState.DRAFT: {"submit", "retire"},
        AppState.UNDER_REVIEW: {"send_back", "approve", "retire"},
        AppState.APPROVED: {"suspend", "retire"},
        AppState.SUSPENDED: {"approve", "retire"},
        AppState.RETIRED: set(),
    }
    for state, moves in allowed.items():
        for move in services.MOVES:
            app = _draft()
            services.app_review(
                actor=SYSTEM, app=app, data=ReviewIn(items=dict.fromkeys(REVIEW_KEYS, (True, "")))
            )
            app.state = state
            app.save(update_fields=["state"])
            if move in moves:
                assert services.app_move(actor=SYSTEM, app=app, move=move).state != state
            else:
                with pytest.raises(Conflict):
                    services.app_move(actor=SYSTEM, app=app, move=move)


def test_approval_needs_the_whole_review_and_is_in_the_history():
    app = _draft()
    services.app_move(actor=SYSTEM, app=app, move="submit")
    with pytest.raises(Conflict) as exc:
        services.app_move(actor=SYSTEM, app=app, move="approve")
    assert exc.value.code == "review_incomplete"
    services.app_review(actor=SYSTEM, app=app, data=ReviewIn(items=dict.fromkeys(REVIEW_KEYS, (True, ""))))
    services.app_move(actor=SYSTEM, app=app, move="approve")
    actions = list(
        HistoryEntry.objects.filter(object_id=str(app.pk), action__in=["submit", "approve"]).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["approve", "submit"]


def test_widening_an_approved_profile_is_refused():
    app = approved_app(categories=("roster",))
    with pytest.raises(Conflict) as exc:
        services.app_update(
            actor=SYSTEM, app=app, data=AppIn(name=app.name, kind=app.kind, categories=["roster", "contact"])
        )
    assert exc.value.code == "profile_widening"


def test_school_requests_department_approves_ward_only_by_policy(city):
    app = approved_app()
    a1 = city.schools[0]
    use = services.use_request(
        actor=city.actor_of(Role.SCHOOL_ADMIN), app=app, school=a1, legal_basis="consent"
    )
    with pytest.raises(PermissionDenied):
        services.use_request(
            actor=city.actor_of(Role.SCHOOL_ADMIN), app=app, school=city.schools[2], legal_basis="consent"
        )
    with pytest.raises(PermissionDenied):
        services.use_decide(actor=city.actor_of(Role.WARD_OFFICER), use=use, approve=True)
    policies.policy_publish(
        actor=SYSTEM,
        code=DATA_SHARING,
        title="Phường duyệt",
        effective_from=dt.date(2020, 1, 1),
        rules={"approval_by": "ward"},
    )
    assert (
        services.use_decide(actor=city.actor_of(Role.WARD_OFFICER), use=use, approve=True).state
        == UseState.APPROVED
    )


def test_secret_is_hashed_rotated_and_revoked(city):
    from oauth2_provider.models import Application

    app = approved_app()
    client, secret = services.client_create(
        actor=SYSTEM, app=app, name="x", scopes=list(services.known_scopes())
    )
    stored = Application.objects.get(pk=client.application_id).client_secret
    assert secret not in stored and "$" in stored  # the configured password hasher's format
    assert token_for(client.client_id, secret)[0] == 200
    new = services.client_rotate(actor=SYSTEM, client=client)
    assert token_for(client.client_id, secret)[0] == 401
    assert token_for(client.client_id, new)[0] == 200
    services.client_revoke(actor=SYSTEM, client=client)
    assert token_for(client.client_id, new)[0] == 401


def test_a_client_gets_only_its_scopes(city):
    app = approved_app()
    core = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"
    demo = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly"
    client, secret = services.client_create(actor=SYSTEM, app=app, name="x", scopes=[core])
    status, body = token_for(client.client_id, secret, scope=demo)
    assert status == 400 and body["error"] == "invalid_scope"
    status, body = token_for(client.client_id, secret)
    assert body["scope"] == core


def test_pupil_answers_for_themself_school_admin_for_the_parent(city):
    app = approved_app()
    own = city.students[0]
    own.refresh_from_db()  # the city links the student user after building the pupil
    student_actor = city.actor_of(Role.STUDENT)
    services.consent_set(actor=student_actor, app=app, student=own, party="pupil", given=True)
    with pytest.raises(PermissionDenied):
        services.consent_set(actor=student_actor, app=app, student=own, party="parent", given=True)
    with pytest.raises(PermissionDenied):
        services.consent_set(
            actor=city.actor_of(Role.SCHOOL_ADMIN),
            app=app,
            student=city.students[6],
            party="parent",
            given=True,
        )
    services.consent_set(
        actor=city.actor_of(Role.SCHOOL_ADMIN),
        app=app,
        student=own,
        party="parent",
        given=True,
        channel="paper",
    )
