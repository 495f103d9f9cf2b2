"""Coverage and heatmap figures per school, maintained (edudx/core/aggregates.py): the
department's pages sum 3,500 schools' stored figures instead of counting 2.5 M pupils and their
certificates per view. Services touch the schools they change (services.common.touch)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count

from edudx.core import aggregates
from edudx.core.rules.people import StaffStatus
from edudx.core.scope import Scope
from edudx.registry import selectors as registry

from .models import Certificate, PersonCertificate, Rating, SelfAssessment
from .services.common import COVERAGE, HEATMAP

HELD = (PersonCertificate.State.CLAIMED, PersonCertificate.State.VERIFIED)
BASIC = {f"IU{i:02d}" for i in range(1, 7)}
ADVANCED = {f"IU{i:02d}" for i in range(7, 16)}


def standard_met(certs: set[int], info: dict[int, tuple[str, set[str]]]) -> str:
    """ "advanced", "basic" or "": what a person's held certificates prove of Circular 03's
    standard — a certificate that meets it, or the modules they cover together (basic = IU01–
    IU06; advanced = basic + 3 of IU07–IU15)."""
    levels = {info[c][0] for c in certs if c in info}
    modules: set[str] = set().union(*(info[c][1] for c in certs if c in info)) if certs else set()
    basic = bool(levels & {"basic", "advanced"}) or modules >= BASIC
    if "advanced" in levels or (basic and len(modules & ADVANCED) >= 3):
        return "advanced"
    return "basic" if basic else ""


def _cert_info() -> dict[int, tuple[str, set[str]]]:
    info: dict[int, tuple[str, set[str]]] = {
        pk: (std, set()) for pk, std in Certificate.objects.values_list("pk", "meets_standard")
    }
    for pk, code in Certificate.modules.through.objects.values_list("certificate_id", "competence__code"):
        info[pk][1].add(code)
    return info


def compute_coverage(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    system = Scope.system()
    ids = keys if keys is not None else list(registry.school_ids_in_scope(scope=system))
    out: dict[int, dict[str, Any]] = {
        sid: {"staff": {}, "pupils": {}, "staff_cert": {}, "pupil_cert": {}} for sid in ids
    }
    staff_qs = registry.staff_list(scope=system)[0].filter(school_id__in=ids, status=StaffStatus.WORKING)
    for sid, pos, n in staff_qs.values_list("school_id", "position").annotate(n=Count("id")).order_by():
        out[sid]["staff"][pos] = n
    for sid, fig in registry.figures_per_school(ids).items():
        if sid in out:
            out[sid]["pupils"] = dict(fig["grade"])
    codes = dict(Certificate.objects.values_list("pk", "code"))
    info = _cert_info()
    held = PersonCertificate.objects.filter(school_id__in=ids, state__in=HELD).values_list(
        "school_id", "staff_id", "student_id", "certificate_id"
    )
    staff_certs: dict[int, set[int]] = defaultdict(set)
    pupil_certs: dict[int, set[int]] = defaultdict(set)
    school_of: dict[tuple[str, int], int] = {}
    for sid, staff_id, student_id, cid in held.order_by():
        if staff_id:
            staff_certs[staff_id].add(cid)
            school_of[("s", staff_id)] = sid
        else:
            pupil_certs[student_id].add(cid)
            school_of[("p", student_id)] = sid
    position = dict(
        registry.staff_list(scope=system)[0].filter(pk__in=list(staff_certs)).values_list("pk", "position")
    )
    grade: dict[int, int] = {}
    pupil_ids = list(pupil_certs)
    for i in range(0, len(pupil_ids), 5000):
        grade.update(
            registry.student_list(scope=system)[0]
            .filter(pk__in=pupil_ids[i : i + 5000], enrolments__state="active")
            .values_list("pk", "enrolments__school_class__grade")
        )
    for group, certs_of, sub_of, key in (
        ("staff_cert", staff_certs, position, "s"),
        ("pupil_cert", pupil_certs, grade, "p"),
    ):
        for person, certs in certs_of.items():
            sub = str(sub_of.get(person, "?"))
            bucket = out[school_of[(key, person)]][group]
            for cid in certs:
                cell = bucket.setdefault(codes[cid], {})
                cell[sub] = cell.get(sub, 0) + 1
            std = standard_met(certs, info)
            for level in ("basic", "advanced") if std == "advanced" else (std,) if std else ():
                cell = bucket.setdefault(f"std:{level}", {})
                cell[sub] = cell.get(sub, 0) + 1
    return out


def compute_heatmap(keys: list[int] | None) -> dict[int, dict[str, Any]]:
    """{school: {campaign id: {position: {competence id: {rank: confirmed staff}}}}}."""
    ids = keys if keys is not None else list(registry.school_ids_in_scope(scope=Scope.system()))
    out: dict[int, dict[str, Any]] = {sid: {} for sid in ids}
    rows = (
        Rating.objects.filter(
            assessment__school_id__in=ids, assessment__status=SelfAssessment.Status.CONFIRMED
        )
        .values_list(
            "assessment__school_id",
            "assessment__campaign_id",
            "assessment__position",
            "competence_id",
            "rank",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for sid, camp, pos, comp, rank, n in rows:
        cell = out[sid].setdefault(str(camp), {}).setdefault(pos, {}).setdefault(str(comp), {})
        cell[str(rank)] = cell.get(str(rank), 0) + n
    return out


# The tables whose rows change a school's figures: a trigger notes the school of every written
# row, whichever code wrote it, and the next sweep recounts those schools only.
aggregates.register(
    COVERAGE,
    compute_coverage,
    sources=[
        aggregates.Source("skills_personcertificate", "{row}.school_id"),
        aggregates.Source("registry_staff", "{row}.school_id"),
        aggregates.Source("registry_student", "{row}.school_id"),
        aggregates.Source("registry_enrolment", "{row}.school_id"),
    ],
)
aggregates.register(
    HEATMAP,
    compute_heatmap,
    sources=[
        aggregates.Source("skills_selfassessment", "{row}.school_id"),
        aggregates.Source(
            "skills_rating", "(SELECT school_id FROM skills_selfassessment WHERE id = {row}.assessment_id)"
        ),
    ],
)
