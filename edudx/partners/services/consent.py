"""Consent per app: a parent (or legal representative) and, from the policy's age (7), the pupil
too, give or withdraw it. A withdrawal stops the flow at the partner's next request and shows
the pupil to the partner as `tobedeleted`."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed

from .. import permissions as perms
from ..models import AppState, Consent, PartnerApp, Party

CHANNELS = ("web", "phone", "paper", "link")  # link: the parent's own verified link


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


# ----- the parent's own link (no account): made by the school, opened on any phone
LINK_SALT = "partners.parent-consent"
LINK_DAYS = 30


def parent_link_make(*, actor: Actor, student: Any) -> str:
    """A signed link token for the pupil's parent, valid LINK_DAYS days, made by someone who
    records consents at the pupil's school (who sends it by SMS or Zalo, or prints it). Opening
    it asks the last four digits of the parent's phone on record; nothing is shown before."""
    _require(actor, student, Party.PARENT)
    if not (student.parent_phone or "").strip():
        raise ValidationFailed(
            _("The pupil has no parent phone on record: the link could not be checked."),
            code="no_parent_phone",
        )
    token = signing.dumps({"s": student.pk}, salt=LINK_SALT, compress=True)
    history.record(
        actor=actor, obj=student, action="consent_link", changes={}, operation="partners.parent_link_make"
    )
    return token


def parent_link_student(token: str) -> int | None:
    """The pupil id a link token names, or None (forged, altered or older than LINK_DAYS)."""
    try:
        data = signing.loads(token[:400], salt=LINK_SALT, max_age=LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    pk = data.get("s") if isinstance(data, dict) else None
    return pk if isinstance(pk, int) else None


def parent_link_check(*, student: Any, digits: str) -> bool:
    """The last four digits of the parent's phone on record, as the parent typed them."""
    phone = "".join(ch for ch in (student.parent_phone or "") if ch.isdigit())
    typed = "".join(ch for ch in digits if ch.isdigit())
    return len(phone) >= 4 and len(typed) == 4 and constant_time_compare(phone[-4:], typed)
