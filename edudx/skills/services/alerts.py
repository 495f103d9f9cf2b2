"""Expiry alerts (issue #16 item 3): the daily job (`tasks.expiry_alerts`, `edudx skills_daily`)
expires the certificates whose validity ran out and notes, once per certificate, an alert for
those that run out within `ALERT_DAYS` and for those that just expired. The holder sees their
own in-app (`selectors.alerts`), their school's certificate managers see the school's."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from edudx.core import history
from edudx.core.actor import Actor

from .. import permissions as perms
from ..models import Alert, PersonCertificate
from .certificates import expire_due
from .common import require_city

# How long before a certificate runs out its holder and school are told.
ALERT_DAYS = 60


def _alert(pc: PersonCertificate, kind: str) -> Alert:
    assert pc.expires_on is not None
    return Alert(
        person_certificate=pc,
        kind=kind,
        staff_id=pc.staff_id,
        school_id=pc.school_id,
        unit_path=pc.unit_path,
        due_on=pc.expires_on,
    )


@transaction.atomic
def alerts_send(*, actor: Actor, today: dt.date | None = None) -> dict[str, int]:
    """The daily run: expire what ran out, then one alert per certificate and kind not yet
    alerted. Returns {"expired": n, "expiring": n} — the alerts written."""
    require_city(actor, perms.MANAGE_CERTS)
    today = today or timezone.localdate()
    expired = expire_due(actor=actor, today=today)
    soon = PersonCertificate.objects.filter(
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=ALERT_DAYS),
        state__in=[PersonCertificate.State.CLAIMED, PersonCertificate.State.VERIFIED],
    ).exclude(alerts__kind=Alert.Kind.EXPIRING)
    done = set(
        Alert.objects.filter(
            person_certificate__in=[pc.pk for pc in expired], kind=Alert.Kind.EXPIRED
        ).values_list("person_certificate_id", flat=True)
    )
    new = [_alert(pc, Alert.Kind.EXPIRED) for pc in expired if pc.pk not in done]
    n_expired = len(new)
    new += [_alert(pc, Alert.Kind.EXPIRING) for pc in soon]
    Alert.objects.bulk_create(new, batch_size=2000)
    history.record_bulk(
        actor=actor,
        model=Alert,
        entries=[(a.pk, str(a), "create", {"kind": [None, a.kind]}) for a in new],
        operation="skills.alerts_send",
    )
    return {"expired": n_expired, "expiring": len(new) - n_expired}
