"""The department edits frameworks' competences, the certificate catalogue and target levels;
every change is recorded in the history."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from edudx.core.actor import Actor
from edudx.core.errors import ValidationFailed
from edudx.core.rules.people import Position
from edudx.core.services import create_with_history, update_with_history

from .. import permissions as perms
from ..models import Certificate, Competence, Framework, TargetLevel
from ..schemas import CertificateIn, CompetenceIn, TargetIn
from .common import require_city

CERT_FIELDS = (
    "code",
    "name",
    "family",
    "issuer",
    "levels",
    "validity_months",
    "meets_standard",
    "verify",
    "note",
)


@transaction.atomic
def competence_update(*, actor: Actor, competence: Competence, data: CompetenceIn) -> Competence:
    require_city(actor, perms.MANAGE)
    update_with_history(
        actor=actor,
        obj=competence,
        data=data.model_dump(),
        fields=("name", "description", "verify"),
        operation="skills.competence_update",
    )
    return competence


def _modules(codes: list[str]) -> list[Competence]:
    found = list(
        Competence.objects.filter(
            framework__audience=Framework.Audience.IT_STANDARD, code__in=codes
        ).order_by("code")
    )
    missing = set(codes) - {c.code for c in found}
    if missing:
        raise ValidationFailed(
            _("Unknown IT-standard modules: %(m)s.") % {"m": ", ".join(sorted(missing))[:200]},
            code="unknown_module",
        )
    return found


def _check(data: CertificateIn) -> dict[str, object]:
    if data.family not in Certificate.Family.values:
        raise ValidationFailed(_("Unknown certificate family."), code="unknown_family")
    if data.meets_standard not in Certificate.Standard.values:
        raise ValidationFailed(_("Unknown IT-skills standard level."), code="unknown_standard")
    values = data.model_dump(exclude={"module_codes"})
    values["levels"] = [v.strip()[:40] for v in data.levels if v.strip()]
    return values


@transaction.atomic
def certificate_create(*, actor: Actor, data: CertificateIn) -> Certificate:
    require_city(actor, perms.MANAGE)
    modules = _modules(data.module_codes)
    if Certificate.objects.filter(code=data.code).exists():
        raise ValidationFailed(_("A certificate with this code exists."), code="certificate_code_taken")
    cert = create_with_history(
        actor=actor,
        obj=Certificate(**_check(data)),
        fields=CERT_FIELDS,
        operation="skills.certificate_create",
    )
    cert.modules.set(modules)
    return cert


@transaction.atomic
def certificate_update(*, actor: Actor, certificate: Certificate, data: CertificateIn) -> Certificate:
    require_city(actor, perms.MANAGE)
    modules = _modules(data.module_codes)
    if Certificate.objects.filter(code=data.code).exclude(pk=certificate.pk).exists():
        raise ValidationFailed(_("A certificate with this code exists."), code="certificate_code_taken")
    update_with_history(
        actor=actor,
        obj=certificate,
        data=_check(data),
        fields=CERT_FIELDS,
        operation="skills.certificate_update",
    )
    certificate.modules.set(modules)
    return certificate


@transaction.atomic
def target_set(*, actor: Actor, framework: Framework, data: TargetIn) -> TargetLevel:
    """The level staff of a position should reach in every competence of `framework`."""
    require_city(actor, perms.MANAGE)
    if data.position not in Position.values:
        raise ValidationFailed(_("Unknown position."), code="unknown_position")
    top = framework.levels.order_by("-rank").values_list("rank", flat=True).first() or 0
    if data.rank > top:
        raise ValidationFailed(
            _("The framework's highest level is %(n)s.") % {"n": top}, code="target_above_top"
        )
    target = TargetLevel.objects.filter(framework=framework, position=data.position).first()
    if target is None:
        return create_with_history(
            actor=actor,
            obj=TargetLevel(framework=framework, position=data.position, rank=data.rank),
            fields=("framework", "position", "rank"),
            operation="skills.target_set",
        )
    update_with_history(
        actor=actor, obj=target, data={"rank": data.rank}, fields=("rank",), operation="skills.target_set"
    )
    return target
