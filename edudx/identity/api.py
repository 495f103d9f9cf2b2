"""Identity API (/api/v1/identity/): verification status, counts, and starting checks."""

from __future__ import annotations

from ninja import Query, Router, Schema
from ninja import Status as HttpStatus

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.ids import Id

from . import selectors, services
from .models import Status, Verification, VerificationRun
from .schemas import (
    Kind,
    VerificationCountsOut,
    VerificationRunIn,
    VerificationRunOut,
    VerificationStatusOut,
    VerifyIn,
    VerifyOut,
)

router = Router(tags=["identity"])


def _status(kind: Kind, person_id: int, v: Verification | None) -> VerificationStatusOut:
    if v is None:
        return VerificationStatusOut(kind=kind, person_id=person_id, status=Status.UNVERIFIED)
    return VerificationStatusOut(kind=kind, person_id=person_id, status=v.status, differing_fields=v.differing_fields,
                     checked_at=v.checked_at, source=v.source)  # fmt: skip


def _run(run: VerificationRun) -> VerificationRunOut:
    return VerificationRunOut(id=run.pk, kind=run.kind, school_id=run.school_id, state=run.state, total=run.total,
                  done=run.done, percent=run.percent, counts=run.counts, created_at=run.created_at,
                  finished_at=run.finished_at)  # fmt: skip


@router.get(
    "/students/{student_id}",
    response={200: VerificationStatusOut, **errors(403)},
    summary="A student's verification status",
)
def student_status(request, student_id: Id):
    person, v = selectors.status_get(scope=request.scope, kind="student", person_id=student_id)
    return _status("student", person.pk, v)


@router.get(
    "/staff/{staff_id}",
    response={200: VerificationStatusOut, **errors(403)},
    summary="A staff member's verification status",
)
def staff_status(request, staff_id: Id):
    person, v = selectors.status_get(scope=request.scope, kind="staff", person_id=staff_id)
    return _status("staff", person.pk, v)


class VerificationCountsQuery(Schema):
    kind: Kind = "student"
    school_id: Id | None = None


@router.get(
    "/counts",
    response={200: VerificationCountsOut, **errors(403)},
    summary="People in your scope by verification status",
)
def counts(request, params: Query[VerificationCountsQuery]):
    c = selectors.status_counts(scope=request.scope, kind=params.kind, school_id=params.school_id)
    return VerificationCountsOut(
        kind=params.kind, school_id=params.school_id, total=sum(c.values()), counts=c
    )


@router.post(
    "/verify",
    response={200: VerifyOut, **errors(404)},
    summary="Check up to 100 people against the registry now",
)
def verify(request, body: VerifyIn):
    actor = Actor.from_request(request, via=Via.API)
    summary = services.people_verify(actor=actor, kind=body.kind, ids=body.ids)
    rows = selectors.verifications_of(scope=request.scope, kind=body.kind, ids=body.ids)
    return VerifyOut(
        **summary.as_dict(), results=[_status(body.kind, i, rows.get(i)) for i in sorted(set(body.ids))]
    )


@router.post(
    "/runs", response={202: VerificationRunOut, **errors(404)}, summary="Start a background verification"
)
def run_start(request, body: VerificationRunIn):
    run = services.run_start(actor=Actor.from_request(request, via=Via.API), kind=body.kind,
                             school_id=body.school)  # fmt: skip
    return HttpStatus(202, _run(run))


@router.get(
    "/runs/{verification_run_id}",
    response={200: VerificationRunOut, **errors(403)},
    summary="Progress of a background verification",
)
def run_get(request, verification_run_id: Id):
    return _run(selectors.run_get(scope=request.scope, pk=verification_run_id))
