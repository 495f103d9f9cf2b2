"""Records gone from an app's view, read from the change log (partners.changes): the rows an app
may hear about, its own rows (a school leaving or entering its view, services.announce), and
for a delta the records that left its view as `tobedeleted` rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import CharField, Exists, Max, OuterRef, Q, QuerySet, Value

from edudx.registry import selectors as registry

from ..auth import CONSENT, PartnerCaller
from ..models import Consent
from .sources import Source, pupils


# ----- records gone from the app's view since a change (the change log, partners.changes)
def received_q(caller: PartnerCaller) -> Q:
    """The change rows this app may hear about: in a school whose flow rests on consent, a
    pupil's changes only once someone answered for the pupil (a pupil never sent is never
    announced, not even as a deletion)."""
    consent_ids = [sid for sid, f in caller.flows.items() if f.legal_basis == CONSENT]
    if not consent_ids:
        return Q()
    answered = Consent.objects.filter(app_id=caller.app.pk, student_id=OuterRef("object_id"))
    return ~Q(prefix="s", school_id__in=consent_ids) | Q(Exists(answered))


def own_changes(caller: PartnerCaller) -> QuerySet:
    """The change rows written for this app alone (a school leaving or entering its view:
    services.announce); for an app acting for a signed-in user, those of the schools the
    user may see."""
    from ..models import Change

    return Change.objects.filter(own_q(caller))


def own_q(caller: PartnerCaller) -> Q:
    q = Q(app_id=caller.app.pk)
    user_scope = getattr(caller.scope, "user_scope", None)
    if user_scope is not None:
        schools, _order = registry.school_list(scope=user_scope)
        q &= Q(school_id__in=schools.values("pk"))
    return q


def _visible(caller: PartnerCaller, prefix: str) -> QuerySet:
    if prefix == "org":
        schools, _order = registry.school_list(scope=caller.scope)
        return schools.filter(pk=OuterRef("object_id"), pk__in=caller.school_ids)
    if prefix == "cl":
        classes, _order = registry.class_list(scope=caller.scope)
        return classes.filter(pk=OuterRef("object_id"), school_id__in=caller.school_ids)
    if prefix == "s":
        return pupils(caller).filter(pk=OuterRef("object_id"))
    if prefix == "e":
        return pupils(caller).filter(
            enrolments__pk=OuterRef("object_id"), enrolments__school_id__in=caller.school_ids
        )
    staff, _order = registry.staff_list(scope=caller.scope)
    if prefix == "st":
        return staff.filter(pk=OuterRef("object_id"), school_id__in=caller.school_ids)
    return staff.filter(
        assignments__pk=OuterRef("object_id"), assignments__school_class__school_id__in=caller.school_ids
    )


GONE_PREFIX = {
    "user": "s",
    "demographic": "s",
    "staff": "st",
    "enrolment": "e",
    "assignment": "ta",
    "org": "org",
    "class": "cl",
}
GONE_NAMES = {
    "sourcedId": "object_id",
    "dateLastModified": "modified",
    "status": "or_status",
    "role": "or_role",
}


def gone_source(caller: PartnerCaller, kind: str, since: dt.datetime) -> Source | None:
    """For a delta (`dateLastModified>…`): the records of `kind` changed since `since` in an
    approved school, or in a school that left the app's view (its own change rows), that the
    app can no longer see at all — moved to a school that did not approve it, deleted, the
    school's approval revoked, the app suspended — as `tobedeleted` rows (sourcedId, status,
    dateLastModified)."""
    from ..models import Change

    prefix = GONE_PREFIX.get(kind)
    if prefix is None:
        return None
    role = {"s": "student", "e": "student"}.get(prefix, "teacher")
    # An OR of two terms each led by an indexed column (school_id…, app_id…) with the prefix
    # inside each: with `prefix=` outside, SQLite walked every row of the prefix instead.
    shared = Q(school_id__in=caller.school_ids, prefix=prefix, app_id__isnull=True) & received_q(caller)
    own = own_q(caller) & Q(prefix=prefix)
    qs = (
        Change.objects.filter(shared | own)
        .filter(at__gt=since)
        .filter(~Exists(_visible(caller, prefix)))
        .values("object_id")
        .annotate(
            modified=Max("at"),
            or_status=Value("tobedeleted", output_field=CharField()),
            or_role=Value(role, output_field=CharField()),
            or_prefix=Value(prefix, output_field=CharField()),
        )
    )
    return Source("gone", qs, GONE_NAMES)
