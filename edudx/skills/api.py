"""Skills REST API (/api/v1/skills/): the certificate catalogue, coverage per unit, people's
certificates (list, record, verify/expire/revoke) and the unmatched test-centre results. A test
centre's list is imported through the ingest API: POST /api/v1/ingest/runs with
kind=skills_results, then /commit."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router

from edudx.core.actor import Actor, Via
from edudx.core.api_errors import errors
from edudx.core.errors import ValidationFailed
from edudx.core.ids import Id
from edudx.core.pagination import paginate
from edudx.registry import selectors as registry_selectors

from . import permissions as perms
from . import selectors
from .schemas import (
    AlertOut,
    AssignIn,
    CertificateIn,
    CertificateOut,
    ClassPupilLevel,
    CoverageQuery,
    CoverageRow,
    CursorQuery,
    IssuerListIn,
    IssuerListOut,
    MoveIn,
    PersonCertificateIn,
    PersonCertificateOut,
    PersonCertificatePage,
    PlanItemOut,
    PupilLevelCount,
    PupilLevelsIn,
    ResultOut,
    TargetIn,
    TargetOut,
    TrainingNeedOut,
    TrainingRecordIn,
    TrainingRecordOut,
    TrainingRecordPage,
)
from .selectors import pupils as pupil_selectors
from .selectors import training as training_selectors
from .services import catalogue as catalogue_services
from .services import certificates as cert_services
from .services import pupils as pupil_services
from .services import results as result_services
from .services import training as training_services
from .services.common import own_staff_id

router = Router(tags=["skills"])


@router.get("/certificates", response={200: list[CertificateOut], **errors(403)})
def certificate_catalogue(request):
    request.scope.require_any(perms.VIEW)
    return list(selectors.certificate_list())


@router.get("/coverage", response={200: list[CoverageRow], **errors(403)})
def coverage(request, q: Query[CoverageQuery]):
    request.scope.require_any(perms.VIEW)
    data = selectors.coverage(scope=request.scope, measure=q.measure, group=q.group, area=q.area, sub=q.sub)
    return [{**r, "group": q.group} for r in data["rows"]]


@router.get("/people/certificates", response={200: PersonCertificatePage, **errors(403)})
def person_certificates(request, page: Query[CursorQuery]):
    request.scope.require_any(perms.VIEW_PEOPLE)
    qs = selectors.certificate_list_in_scope(scope=request.scope)
    p = paginate(qs, order=("-id",), cursor=page.cursor, limit=page.limit)
    return {"items": p.items, "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


@router.post("/people/certificates", response={201: PersonCertificateOut, **errors(404, 409)})
def person_certificate_claim(request, data: PersonCertificateIn):
    return 201, cert_services.certificate_claim(actor=Actor.from_request(request, via=Via.API), data=data)


@router.post(
    "/people/certificates/{person_certificate_id}/move", response={200: PersonCertificateOut, **errors(409)}
)
def person_certificate_move(request, person_certificate_id: Id, data: MoveIn):
    pc = selectors.certificate_get(scope=request.scope, pk=person_certificate_id)
    return cert_services.certificate_transition(
        actor=Actor.from_request(request, via=Via.API), pc=pc, move=data.move, note=data.note
    )


@router.get("/results/unmatched", response={200: list[ResultOut], **errors(403)})
def results_unmatched(request):
    request.scope.require_any(perms.IMPORT_RESULTS)
    return list(selectors.results_unmatched(scope=request.scope)[:500])


@router.post("/results/{exam_result_id}/assign", response={200: ResultOut, **errors(409)})
def result_assign(request, exam_result_id: Id, data: AssignIn):
    result = selectors.result_get(scope=request.scope, pk=exam_result_id)
    return result_services.result_assign(
        actor=Actor.from_request(request, via=Via.API),
        result=result,
        staff_id=data.staff_id,
        student_id=data.student_id,
    )


# ----- training plans (issue #16 item 4)
@router.get("/training/needs", response={200: list[TrainingNeedOut], **errors(403, 404)})
def training_needs(request, campaign: Id, area: Id | None = None):
    """Per unit × competence: confirmed staff, and how many are below their position's target."""
    request.scope.require_any(perms.VIEW)
    c = selectors.campaign_get(pk=campaign)
    return training_selectors.needs(scope=request.scope, campaign=c, area=area)["rows"]


def _required(value: int | None, name: str) -> int:
    if value is None:
        raise ValidationFailed(
            _("This query parameter is required: %(name)s.") % {"name": name}, code="required"
        )
    return value


@router.get("/training/plan/{school_id}", response={200: list[PlanItemOut], **errors(403, 404, 422)})
def training_plan(request, school_id: Id, campaign: Id | None = None):
    """A school's plan: who needs which competence (below target), and trained since or not.
    `campaign` is required; a school outside the caller's scope is a 404 before it is read."""
    registry_selectors.school_get(scope=request.scope, pk=school_id)
    c = selectors.campaign_get(pk=_required(campaign, "campaign"))
    return training_selectors.plan(scope=request.scope, campaign=c, school_id=school_id)


@router.get("/training/records", response={200: TrainingRecordPage, **errors(403)})
def training_records(request, page: Query[CursorQuery]):
    request.scope.require_any(perms.MANAGE_TRAINING)
    p = paginate(
        training_selectors.training_list(scope=request.scope),
        order=("-id",),
        cursor=page.cursor,
        limit=page.limit,
    )
    return {"items": p.items, "next_cursor": p.next_cursor, "prev_cursor": p.prev_cursor}


@router.post("/training/records", response={201: TrainingRecordOut, **errors(403, 404, 409)})
def training_record(request, data: TrainingRecordIn):
    return 201, training_services.training_record(actor=Actor.from_request(request, via=Via.API), data=data)


# ----- pupils' competence levels (issue #16 item 5): names never leave the school
@router.get("/pupils/counts", response={200: list[PupilLevelCount], **errors(403)})
def pupil_counts(request, area: Id | None = None, competence: Id | None = None):
    """Per unit × competence: pupils assessed this school year, at their band's level, per level."""
    request.scope.require_any(perms.VIEW)
    year = registry_selectors.current_year()
    return pupil_selectors.counts(
        scope=request.scope, school_year=year.code if year else "", area=area, competence_id=competence
    )["rows"]


@router.get("/classes/{class_id}/levels", response={200: list[ClassPupilLevel], **errors(403, 404, 422)})
def class_levels(request, class_id: Id, competence: Id | None = None):
    """A class's pupils and their level in one competence (the pupil's school only).
    `competence` is required; a class outside the caller's scope is a 404 before it is read."""
    school_class = registry_selectors.class_get(scope=request.scope, pk=class_id)
    comp = pupil_services.learner_competence(_required(competence, "competence"))
    return pupil_selectors.class_levels(scope=request.scope, school_class=school_class, competence=comp)


@router.put("/classes/{class_id}/levels", response={200: dict[str, int], **errors(403, 404, 422)})
def class_levels_set(request, class_id: Id, data: PupilLevelsIn):
    school_class = registry_selectors.class_get(scope=request.scope, pk=class_id)
    return pupil_services.pupil_levels_set(
        actor=Actor.from_request(request, via=Via.API), school_class=school_class, data=data
    )


# ----- the department's catalogue, issuers' lists and expiry alerts (issue #16 item 3)
@router.post("/certificates", response={201: CertificateOut, **errors(403, 422)})
def certificate_create(request, data: CertificateIn):
    return 201, catalogue_services.certificate_create(
        actor=Actor.from_request(request, via=Via.API), data=data
    )


@router.put("/certificates/{certificate_id}", response={200: CertificateOut, **errors(403, 404, 422)})
def certificate_update(request, certificate_id: Id, data: CertificateIn):
    request.scope.require_any(perms.MANAGE)
    cert = selectors.catalogue_get(pk=certificate_id)
    return catalogue_services.certificate_update(
        actor=Actor.from_request(request, via=Via.API), certificate=cert, data=data
    )


@router.post(
    "/certificates/{certificate_id}/issuer-numbers", response={200: IssuerListOut, **errors(403, 404, 422)}
)
def issuer_numbers(request, certificate_id: Id, data: IssuerListIn):
    """An issuer's list of certificate numbers (revoked ones flagged): the people's certificates
    it names are verified, or revoked."""
    request.scope.require_any(perms.IMPORT_RESULTS)
    cert = selectors.catalogue_get(pk=certificate_id)
    return cert_services.issuer_numbers_add(
        actor=Actor.from_request(request, via=Via.API),
        certificate=cert,
        numbers=[(n.number, n.issued_on, n.revoked) for n in data.numbers],
    )


@router.put(
    "/frameworks/{competence_framework_id}/targets", response={200: TargetOut, **errors(403, 404, 422)}
)
def target_set(request, competence_framework_id: Id, data: TargetIn):
    request.scope.require_any(perms.MANAGE)
    fw = selectors.framework_get(pk=competence_framework_id)
    t = catalogue_services.target_set(actor=Actor.from_request(request, via=Via.API), framework=fw, data=data)
    return {"framework_id": t.framework_id, "position": t.position, "rank": t.rank}


@router.get("/alerts", response={200: list[AlertOut], **errors(403)})
def alerts(request):
    """Expiry alerts: the caller's own certificates and those of the schools they manage."""
    actor = Actor.from_request(request, via=Via.API)
    staff_id = own_staff_id(actor) if request.scope.has_perm(perms.ASSESS) else None
    if staff_id is None:
        request.scope.require_any(perms.MANAGE_CERTS)
    return list(selectors.alerts(scope=request.scope, staff_id=staff_id)[:500])
