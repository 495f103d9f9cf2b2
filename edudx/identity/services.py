"""Writes of the identity app: checking people against the population registry.

The registry call happens outside any database transaction (a slow registry must not hold
locks); the answers are then written in one transaction, with a history entry on the person
whenever their status changes. Personal IDs never reach logs or history.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core import history
from edudx.core.actor import Actor, Via
from edudx.core.errors import NotFound, ValidationFailed
from edudx.core.scope import Scope
from edudx.core.tasks import enqueue_after_commit
from edudx.registry import selectors as registry

from . import connectors
from . import permissions as perms
from .models import PersonKind, Status, Verification, VerificationRun

log = logging.getLogger(__name__)

MAX_IDS_PER_CALL = 1000
RUN_CHUNK = 500
STATUS_OF = {
    connectors.MATCH: Status.VERIFIED,
    connectors.MISMATCH: Status.MISMATCH,
    connectors.NOT_FOUND: Status.NOT_FOUND,
    connectors.ERROR: Status.ERROR,
}


@dataclass
class VerifySummary:
    checked: int = 0
    skipped: int = 0  # no personal ID or no date of birth: nothing to ask the registry
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, other: VerifySummary) -> None:
        self.checked += other.checked
        self.skipped += other.skipped
        for k, v in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + v

    def as_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "skipped": self.skipped, "counts": dict(self.counts)}


def people_queryset(*, scope: Scope, kind: str, school_id: int | None = None) -> QuerySet[Any]:
    """The people of `kind` the scope may see, through the registry's selectors."""
    qs: QuerySet[Any]
    if kind == PersonKind.STUDENT:
        qs, _order = registry.student_list(scope=scope, filters=registry.StudentFilter(school=school_id))
    elif kind == PersonKind.STAFF:
        qs, _order = registry.staff_list(scope=scope, filters=registry.StaffFilter(school=school_id))
    else:
        raise ValidationFailed(_("Unknown kind of person."), code="unknown_kind")
    return qs


def person_query(kind: str, person: Any) -> connectors.PersonQuery:
    return connectors.PersonQuery(
        ref=f"{kind}:{person.pk}",
        personal_id=person.personal_id or "",
        full_name=person.full_name,
        date_of_birth=person.date_of_birth,
        gender=person.gender,
    )


def people_verify(
    *,
    actor: Actor,
    kind: str,
    ids: Iterable[int],
    connector: connectors.Connector | None = None,
) -> VerifySummary:
    """Check the given people against the registry and record each one's status."""
    actor.scope.require_any(perms.VERIFY)
    wanted = sorted({int(i) for i in ids})
    if len(wanted) > MAX_IDS_PER_CALL:
        raise ValidationFailed(
            _("At most %(n)s people per call; start a background verification instead.")
            % {"n": MAX_IDS_PER_CALL},
            code="too_many_people",
        )
    people = list(people_queryset(scope=actor.scope, kind=kind).filter(pk__in=wanted))
    if len(people) != len(wanted):
        raise NotFound()
    for person in people:
        actor.scope.require(perms.VERIFY, person.school.unit.path if person.school_id else None)
    return _verify_people(actor=actor, kind=kind, people=people, connector=connector)


def _verify_people(
    *, actor: Actor, kind: str, people: Sequence[Any], connector: connectors.Connector | None
) -> VerifySummary:
    summary = VerifySummary()
    askable = [p for p in people if p.personal_id and p.date_of_birth]
    summary.skipped = len(people) - len(askable)
    if not askable:
        return summary
    own = connector is None
    conn = connector or connectors.get_connector()
    try:
        queries = [person_query(kind, p) for p in askable]
        results = conn.verify_batch(queries)
    finally:
        if own:
            conn.close()
    _record(actor=actor, kind=kind, people=askable, queries=queries, results=results,
            source=conn.source, summary=summary)  # fmt: skip
    return summary


@transaction.atomic
def _record(
    *,
    actor: Actor,
    kind: str,
    people: Sequence[Any],
    queries: Sequence[connectors.PersonQuery],
    results: Sequence[connectors.VerifyResult],
    source: str,
    summary: VerifySummary,
) -> None:
    now = timezone.now()
    existing = {
        v.person_id: v for v in Verification.objects.filter(kind=kind, person_id__in=[p.pk for p in people])
    }
    to_create, to_update, entries = [], [], []
    for person, query, result in zip(people, queries, results, strict=True):
        status = STATUS_OF[result.status].value
        summary.checked += 1
        summary.counts[status] = summary.counts.get(status, 0) + 1
        current = existing.get(person.pk)
        if current is None:
            current = Verification(kind=kind, person_id=person.pk)
            to_create.append(current)
            before: tuple[str, list[str]] = (Status.UNVERIFIED.value, [])
        else:
            to_update.append(current)
            before = (current.status, list(current.differing_fields))
        current.checked_at = now
        current.source = source
        current.error = result.error
        if status == Status.ERROR and before[0] in (Status.VERIFIED, Status.MISMATCH, Status.NOT_FOUND):
            continue  # a failed call does not erase an earlier answer; `error` tells the tale
        current.status = status
        current.differing_fields = list(result.differing_fields)
        current.fingerprint = query.fingerprint()
        after = (current.status, current.differing_fields)
        if after != before:
            changes: dict[str, Any] = {"verification": [before[0], after[0]]}
            if before[1] or after[1]:
                changes["differing_fields"] = [before[1], after[1]]
            entries.append({"obj": person, "action": "status", "changes": changes,
                            "operation": "people_verify"})  # fmt: skip
    written = ["status", "differing_fields", "error", "checked_at", "source", "fingerprint"]
    # Two runs over the same people may race to create a row: the later answer wins.
    Verification.objects.bulk_create(
        to_create,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["kind", "person_id"],
        update_fields=written,
    )
    Verification.objects.bulk_update(
        to_update,
        written,
        batch_size=1000,
    )
    if entries:
        history.record_many(entries, actor=actor)


# ----- background runs
def run_start(
    *, actor: Actor, kind: str = PersonKind.STUDENT, school_id: int | None = None
) -> VerificationRun:
    """Queue the verification of a school's people, or of everyone in the actor's scope."""
    if kind not in PersonKind.values:
        raise ValidationFailed(_("Unknown kind of person."), code="unknown_kind")
    run = VerificationRun(kind=kind, requested_by=actor.user)
    if school_id is not None:
        school = registry.school_get(scope=actor.scope, pk=school_id)
        actor.scope.require(perms.VERIFY, school.unit.path)
        run.school_id, run.school_name, run.unit_path = school.pk, school.name, school.unit.path
    else:
        actor.scope.require_any(perms.VERIFY)
        paths = actor.scope.paths_for(perms.VERIFY)
        run.unit_path = paths[0] if paths and len(paths) == 1 else ""
    run.total = people_queryset(scope=actor.scope, kind=kind, school_id=school_id).count()
    run.save()
    history.record(actor=actor, obj=run, action="create", operation="verification_run_start",
                   changes={"kind": [None, kind], "school": [None, run.school_id]})  # fmt: skip

    from .tasks import verification_run_task

    enqueue_after_commit(verification_run_task, run)
    return run


def _run_actor(run: VerificationRun) -> Actor:
    if run.requested_by is None:
        return Actor.system(via=Via.SYSTEM, source=f"identity_run:{run.pk}")
    from edudx.accounts.services import scope_for_user

    return Actor(user=run.requested_by, scope=scope_for_user(run.requested_by), via=Via.SYSTEM,
                 source=f"identity_run:{run.pk}")  # fmt: skip


def run_execute(*, run_id: int, connector: connectors.Connector | None = None) -> VerificationRun:
    """Work through a queued run in chunks, saving progress after each one (the page polls it)."""
    run = VerificationRun.objects.select_related("requested_by").get(pk=run_id)
    if run.is_finished:
        return run
    actor = _run_actor(run)
    VerificationRun.objects.filter(pk=run.pk).update(state=VerificationRun.State.RUNNING)
    own = connector is None
    conn = connector or connectors.get_connector()
    summary = VerifySummary()
    try:
        qs = people_queryset(scope=actor.scope, kind=run.kind, school_id=run.school_id).select_related(
            "school__unit"
        )
        last = 0
        while True:
            chunk = list(qs.filter(pk__gt=last).order_by("pk")[:RUN_CHUNK])
            if not chunk:
                break
            last = chunk[-1].pk
            allowed = [
                p for p in chunk if actor.scope.can(perms.VERIFY, p.school.unit.path if p.school_id else None)
            ]
            part = _verify_people(actor=actor, kind=run.kind, people=allowed, connector=conn)
            part.skipped += len(chunk) - len(allowed)
            summary.add(part)
            VerificationRun.objects.filter(pk=run.pk).update(
                done=summary.checked + summary.skipped, counts=summary.as_dict()["counts"]
            )
        VerificationRun.objects.filter(pk=run.pk).update(
            state=VerificationRun.State.DONE,
            done=summary.checked + summary.skipped,
            counts=summary.counts,
            message="",
            finished_at=timezone.now(),
        )
    except Exception as exc:
        log.exception("verification run %s failed", run.pk)
        VerificationRun.objects.filter(pk=run.pk).update(
            state=VerificationRun.State.FAILED, message=type(exc).__name__[:255], finished_at=timezone.now()
        )
        raise
    finally:
        if own:
            conn.close()
    run.refresh_from_db()
    return run
