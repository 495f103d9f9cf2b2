"""Objects of school B1 for the route × role matrix and the bulk-door matrix (docs/developing.md)."""

from __future__ import annotations

from typing import Any


def providers(city: Any) -> dict[str, tuple[int, str]]:
    from edudx.core.actor import Actor
    from edudx.skills.models import Certificate, ExamResult, Framework, PersonCertificate
    from edudx.skills.schemas import CampaignIn
    from edudx.skills.services import campaigns
    from edudx.skills.services.common import city_path

    a = Actor.system(source="matrix")
    b1_teacher = city.staff[2]
    cert = Certificate.objects.get(code="IC3_GS6")
    # Written directly, not through certificate_claim: the service recounts the school's coverage
    # figures, and the matrix requires rows that existed before its run to stay unchanged (a
    # stale figure recounted during a slow run would count as changed).
    pc = PersonCertificate.objects.create(
        certificate=cert,
        staff=b1_teacher,
        school=city.schools[2],
        unit_path=city.schools[2].unit.path,
        number="MATRIX-B1-CERT",
    )
    result = ExamResult.objects.create(
        certificate=cert,
        number="MATRIX-B1-RESULT",
        candidate_name="Thí Sinh Ma Trận B1",
        unit_path=city_path(),
    )
    fw = Framework.objects.get(audience=Framework.Audience.TEACHER)
    campaign = campaigns.campaign_create(
        actor=a, framework=fw, data=CampaignIn(name="Ma trận", school_year="2025-2026")
    )
    campaigns.campaign_open(actor=a, campaign=campaign)
    sa = campaign.assessments.get(staff=b1_teacher)
    sa.review_note = "MATRIX-B1-NOTE"
    sa.save(update_fields=["review_note"])
    # The catalogue is the department's: an inactive certificate and a draft framework show on no
    # page a scoped role opens, so their names are markers too.
    hidden = Certificate.objects.create(
        code="MATRIX_HIDDEN", name="Chứng chỉ Ma Trận Ẩn", family="other", issuer="Ma trận", is_active=False
    )
    draft = Framework.objects.create(
        code="matrix_draft", version="0", name="Khung Ma Trận Nháp", audience="teacher", state="draft"
    )
    draft.levels.create(rank=1, code="M1", name="Mức ma trận")
    return {
        "certificate_id": (hidden.pk, "Chứng chỉ Ma Trận Ẩn"),
        "competence_framework_id": (draft.pk, "Khung Ma Trận Nháp"),
        "person_certificate_id": (pc.pk, "MATRIX-B1-CERT"),
        "exam_result_id": (result.pk, "Thí Sinh Ma Trận B1"),
        "self_assessment_id": (sa.pk, "MATRIX-B1-NOTE"),
    }


def bulk_rows(city: Any, b1: Any) -> dict[str, list[list[dict[str, str]]]]:
    """A test centre's rows naming B1's teacher by personal ID and by name + birth date."""
    teacher = city.staff[2]
    dob = teacher.date_of_birth.strftime("%d/%m/%Y") if teacher.date_of_birth else ""
    row = {
        "candidate_name": teacher.full_name,
        "date_of_birth": dob,
        "certificate": "IC3_GS6",
        "number": "BULK-B1",
    }
    from edudx.skills.models import Competence, Framework

    a1, b1_school = city.schools[0].moet_code, city.schools[2].moet_code
    staff_comp = Competence.objects.filter(framework__audience=Framework.Audience.TEACHER).first()
    pupil_comp = Competence.objects.filter(framework__audience=Framework.Audience.LEARNER).first()
    training = {"competence": staff_comp.code, "title": "Bồi dưỡng", "completed_on": "01/02/2026"}
    pupil = city.students[6]  # B1's first pupil
    level = {"competence": pupil_comp.code, "level": "TC1"}
    return {
        "skills_results": [
            [{**row, "personal_id": teacher.personal_id or ""}],
            [{**row, "number": "BULK-B1-2"}],
        ],
        # B1's teacher and pupil named from A1 (matched nowhere), then B1 itself (refused)
        "skills_training": [
            [{**training, "school_code": a1, "staff_code": teacher.moet_code or ""}],
            [{**training, "school_code": b1_school, "staff_code": teacher.moet_code or ""}],
        ],
        "skills_pupil_levels": [
            [{**level, "school_code": a1, "pupil_code": pupil.moet_code or ""}],
            [{**level, "school_code": a1, "pupil_code": pupil.personal_id or ""}],
            [{**level, "school_code": b1_school, "pupil_code": pupil.moet_code or ""}],
        ],
    }
