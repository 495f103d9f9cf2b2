"""Consent per app: a parent (or legal representative) and, from the policy's age (7), the pupil
too, give or withdraw it. A withdrawal stops the flow at the partner's next request and shows
the pupil to the partner as `tobedeleted`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed

from .. import permissions as perms
from ..models import AppState, Consent, PartnerApp, Party

CHANNELS = ("web", "phone", "paper")


def is_self(scope: Any, student: Any) -> bool:
    """The pupil themself: their own account (Student.user) holding partners.consent_self."""
    own = student.user_id is not None and student.user_id == scope.user_id
    return bool(own and scope.has_perm(perms.CONSENT_SELF))


def _require(actor: Actor, student: Any, party: str) -> None:
    if actor.scope.is_system:
        return
    if party == Party.PUPIL:
        if is_self(actor.scope, student):
            return
        raise PermissionDenied(_("Only the pupil answers for themself."))
    actor.scope.require(perms.RECORD_CONSENT, student.school.unit.path)


@transaction.atomic
def consent_set(
    *, actor: Actor, app: PartnerApp, student: Any, party: str, given: bool, channel: str = "web"
) -> Consent:
    if party not in Party.values or channel not in CHANNELS:
        raise ValidationFailed(_("The answer is not valid."), code="bad_consent")
    _require(actor, student, party)
    if given and app.state != AppState.APPROVED:
        raise Conflict(_("Consent can only be given to an approved app."), code="app_not_approved")
    now = timezone.now()
    consent = Consent.objects.select_for_update().filter(app=app, student_id=student.pk, party=party).first()
    if consent is None:
        consent = Consent.objects.create(
            app=app, student_id=student.pk, party=party, given=given, changed_at=now, channel=channel
        )
        changes = {"given": [None, given]}
    elif consent.given == given:
        return consent
    else:
        changes = {"given": [consent.given, given]}
        consent.given, consent.changed_at, consent.channel = given, now, channel
        consent.save(update_fields=["given", "changed_at", "channel"])
    history.record(
        actor=actor,
        obj=consent,
        action="give" if given else "withdraw",
        changes=changes,
        operation="partners.consent_set",
        note=f"{party} via {channel}",
    )
    return consent
