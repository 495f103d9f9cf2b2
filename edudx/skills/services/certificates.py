"""People's certificates: declared (claimed), checked against the issuer's list (verified),
run out (expired) or withdrawn (revoked) — the moves live on the model (decision 0010); these
services check the scope and `can_proceed`, write and record the history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import Conflict, NotFound, ValidationFailed
from edudx.registry import selectors as registry_selectors

from .. import permissions as perms
from ..models import Certificate, IssuerNumber, PersonCertificate
from ..schemas import PersonCertificateIn
from .common import own_staff_id, require_city, touch

if TYPE_CHECKING:
    from edudx.registry.models import School

FIELDS = (
    "certificate",
    "staff",
    "student",
    "school",
    "number",
    "level",
    "score",
    "issued_on",
    "expires_on",
    "state",
)


def expiry_of(certificate: Certificate, issued_on: dt.date | None) -> dt.date | None:
    """The day a certificate issued on `issued_on` runs out (None: it does not)."""
    if issued_on is None or not certificate.validity_months:
        return None
    months = issued_on.month - 1 + certificate.validity_months
    year, month = issued_on.year + months // 12, months % 12 + 1
    day = min(issued_on.day, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
    return dt.date(year, month, day)


def _holder(actor: Actor, data: PersonCertificateIn) -> tuple[dict[str, Any], School]:
    if (data.staff_id is None) == (data.student_id is None):
        raise ValidationFailed(_("Name either a staff member or a pupil."), code="one_holder")
    scope = actor.scope
    if data.staff_id is not None:
        staff = registry_selectors.staff_get(scope=scope, pk=data.staff_id)
        if staff.school is None:
            raise ValidationFailed(_("This staff member belongs to no school."), code="no_school")
        return {"staff_id": staff.pk}, staff.school
    assert data.student_id is not None
    student = registry_selectors.student_get(scope=scope, pk=data.student_id)
    if student.school is None:
        raise ValidationFailed(_("This pupil belongs to no school."), code="no_school")
    return {"student_id": student.pk}, student.school


@transaction.atomic
def certificate_claim(*, actor: Actor, data: PersonCertificateIn) -> PersonCertificate:
    """Record a certificate a person holds; verified at once when its number is on the issuer's
    list. A staff member may declare their own; otherwise the school's manager does."""
    holder, school = _holder(actor, data)
    own = "staff_id" in holder and holder["staff_id"] == own_staff_id(actor)
    if not own:
        actor.scope.require(perms.MANAGE_CERTS, school.unit.path)
    cert = Certificate.objects.filter(pk=data.certificate_id, is_active=True).first()
    if cert is None:
        raise NotFound()
    if data.level and cert.levels and data.level not in cert.levels:
        raise ValidationFailed(_("This certificate has no such level."), code="unknown_level")
    if data.issued_on and data.issued_on > timezone.localdate():
        raise ValidationFailed(_("The issue date is in the future."), code="issued_in_future")
    number = data.number.strip()
    if number and PersonCertificate.objects.filter(certificate=cert, number=number).exists():
        raise Conflict(_("This certificate number is already recorded."), code="number_taken")
    pc = PersonCertificate(
        certificate=cert,
        school=school,
        unit_path=school.unit.path,
        number=number,
        level=data.level,
        score=data.score,
        issued_on=data.issued_on,
        expires_on=expiry_of(cert, data.issued_on),
        **holder,
    )
    pc.full_clean()
    pc.save()
    history.record(
        actor=actor,
        obj=pc,
        action="create",
        operation="skills.certificate_claim",
        changes={k: [None, v] for k, v in history.snapshot(pc, FIELDS).items() if v not in (None, "")},
    )
    if number and IssuerNumber.objects.filter(certificate=cert, number=number, revoked=False).exists():
        _move(actor=actor, pc=pc, move="verify", note=str(_("On the issuer's list.")))
    touch([school.pk])
    return pc


def _move(*, actor: Actor, pc: PersonCertificate, move: str, note: str = "") -> PersonCertificate:
    step = getattr(pc, move)
    if not can_proceed(step):
        raise Conflict(
            _("This step is not possible while the certificate is “%(state)s”.")
            % {"state": pc.get_state_display()},
            code="bad_state",
        )
    before = pc.state
    step()
    pc.state_note = note[:255]
    pc.save(update_fields=["state", "state_note", "updated_at"])
    history.record(
        actor=actor,
        obj=pc,
        action="status",
        changes={"state": [before, pc.state]},
        operation=f"skills.certificate_{move}",
        note=note,
    )
    return pc


@transaction.atomic
def certificate_transition(
    *, actor: Actor, pc: PersonCertificate, move: str, note: str = ""
) -> PersonCertificate:
    """verify (the number must be on the issuer's list), expire or revoke one certificate."""
    if move not in ("verify", "expire", "revoke"):
        raise ValidationFailed(_("Unknown step."), code="unknown_step")
    pc = PersonCertificate.objects.select_for_update().get(pk=pc.pk)
    actor.scope.require(perms.MANAGE_CERTS, pc.unit_path)
    if (
        move == "verify"
        and not IssuerNumber.objects.filter(
            certificate_id=pc.certificate_id, number=pc.number, revoked=False
        ).exists()
    ):
        raise Conflict(_("This number is not on the issuer's list."), code="not_on_issuer_list")
    _move(actor=actor, pc=pc, move=move, note=note)
    touch([pc.school_id])
    return pc


@transaction.atomic
def issuer_numbers_add(
    *, actor: Actor, certificate: Certificate, numbers: list[tuple[str, dt.date | None, bool]]
) -> dict[str, int]:
    """Store an issuer's list (number, issue date, revoked) and move the people's certificates it
    names: claimed → verified, any → revoked when the issuer revoked the number."""
    require_city(actor, perms.IMPORT_RESULTS)
    existing = set(IssuerNumber.objects.filter(certificate=certificate).values_list("number", flat=True))
    new = [
        IssuerNumber(certificate=certificate, number=n.strip()[:64], issued_on=d, revoked=r)
        for n, d, r in numbers
        if n.strip() and n.strip()[:64] not in existing
    ]
    IssuerNumber.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    revoked = [n.strip() for n, _d, r in numbers if r]
    if revoked:
        IssuerNumber.objects.filter(certificate=certificate, number__in=revoked).update(revoked=True)
    listed = set(
        IssuerNumber.objects.filter(certificate=certificate, revoked=False).values_list("number", flat=True)
    )
    counts = {"added": len(new), "verified": 0, "revoked": 0}
    schools: set[int] = set()
    for pc in PersonCertificate.objects.filter(
        certificate=certificate, number__in=[n.strip() for n, *_rest in numbers]
    ):
        if pc.number in listed and can_proceed(pc.verify):
            _move(actor=actor, pc=pc, move="verify", note=str(_("On the issuer's list.")))
            counts["verified"] += 1
            schools.add(pc.school_id)
        elif pc.number in revoked and can_proceed(pc.revoke):
            _move(actor=actor, pc=pc, move="revoke", note=str(_("Revoked by the issuer.")))
            counts["revoked"] += 1
            schools.add(pc.school_id)
    touch(list(schools))
    return counts


@transaction.atomic
def expire_due(*, actor: Actor, today: dt.date | None = None) -> list[PersonCertificate]:
    """Expire every certificate whose validity ran out (a daily job as the system). Returns them:
    the alerts go to each holder and their school (see selectors.expiring)."""
    today = today or timezone.localdate()
    due = list(
        PersonCertificate.objects.select_for_update().filter(
            expires_on__lt=today,
            state__in=[PersonCertificate.State.CLAIMED, PersonCertificate.State.VERIFIED],
        )
    )
    for pc in due:
        actor.scope.require(perms.MANAGE_CERTS, pc.unit_path)
        _move(actor=actor, pc=pc, move="expire", note=str(_("Validity ran out.")))
    touch([pc.school_id for pc in due])
    return due
