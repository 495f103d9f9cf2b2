import pytest
from django_fsm import can_proceed

from edudx.core.errors import Conflict, PermissionDenied, ValidationFailed
from edudx.core.history import entries_for
from edudx.core.roles import Role
from edudx.skills.models import Certificate, Competence, Framework, Level, PersonCertificate
from edudx.skills.schemas import CertificateIn, CompetenceIn, PersonCertificateIn, TargetIn
from edudx.skills.services import catalogue, certificates

pytestmark = pytest.mark.django_db


def test_shipped_frameworks_hold_the_circulars():
    learners = Framework.objects.get(audience=Framework.Audience.LEARNER)
    assert learners.domains.count() == 6
    assert learners.competences.count() == 24
    band = Level.objects.get(framework=learners, code="TC1")
    assert (band.grade_from, band.grade_to) == (6, 7)
    it = Framework.objects.get(audience=Framework.Audience.IT_STANDARD)
    basic = list(it.competences.filter(is_basic=True).values_list("code", flat=True))
    assert basic == ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
    assert it.competences.filter(is_basic=False).count() == 9
    teachers = Framework.objects.get(audience=Framework.Audience.TEACHER)
    assert teachers.competences.count() == 20 and teachers.competences.filter(verify=True).count() == 20


def test_catalogue_ships_the_certificates():
    codes = set(Certificate.objects.values_list("code", flat=True))
    assert {"IC3_SPARK", "IC3_GS5", "IC3_GS6", "TT03_BASIC", "TT03_ADVANCED", "MOS_EXCEL_2019"} <= codes
    assert any(c.startswith("ICDL_") for c in codes)
    gs6 = Certificate.objects.get(code="IC3_GS6")
    assert gs6.validity_months is None and gs6.meets_standard == "basic"
    assert sorted(gs6.modules.values_list("code", flat=True)) == [
        "IU01",
        "IU02",
        "IU03",
        "IU04",
        "IU05",
        "IU06",
    ]


def test_department_edits_the_catalogue_with_history(city, system):
    dept = city.actor_of(Role.DEPT_ADMIN)
    cert = catalogue.certificate_create(
        actor=dept,
        data=CertificateIn(
            code="TIN_HOC_VP",
            name="Tin học văn phòng",
            issuer="Sở",
            validity_months=24,
            module_codes=["IU03", "IU04"],
        ),
    )
    assert entries_for(cert)[0].operation == "skills.certificate_create"
    with pytest.raises(ValidationFailed) as e:
        catalogue.certificate_create(
            actor=dept, data=CertificateIn(code="X1", name="X", issuer="Y", module_codes=["IU99"])
        )
    assert e.value.code == "unknown_module"
    comp = Competence.objects.filter(framework__audience="teacher").first()
    catalogue.competence_update(actor=dept, competence=comp, data=CompetenceIn(name="Tên mới", verify=False))
    comp.refresh_from_db()
    assert comp.name == "Tên mới" and entries_for(comp)[0].changes["name"][1] == "Tên mới"
    with pytest.raises(PermissionDenied):
        catalogue.certificate_update(
            actor=city.actor_of(Role.SCHOOL_ADMIN),
            certificate=cert,
            data=CertificateIn(code="TIN_HOC_VP", name="Hack", issuer="Sở"),
        )
    fw = comp.framework
    with pytest.raises(ValidationFailed):
        catalogue.target_set(actor=dept, framework=fw, data=TargetIn(position="giao_vien", rank=9))
    t = catalogue.target_set(actor=dept, framework=fw, data=TargetIn(position="giao_vien", rank=2))
    assert t.rank == 2


def test_certificate_moves_and_scope(city, gs6):
    school_admin = city.actor_of(Role.SCHOOL_ADMIN)  # school A1
    own = city.staff[0]
    pc = certificates.certificate_claim(
        actor=school_admin,
        data=PersonCertificateIn(certificate_id=gs6.pk, staff_id=own.pk, number="GS6-1", level="Level 1"),
    )
    assert pc.state == PersonCertificate.State.CLAIMED
    # a person of another school is not found for them
    from edudx.core.errors import NotFound

    with pytest.raises(NotFound):
        certificates.certificate_claim(
            actor=school_admin, data=PersonCertificateIn(certificate_id=gs6.pk, staff_id=city.staff[2].pk)
        )
    with pytest.raises(Conflict) as e:
        certificates.certificate_transition(actor=school_admin, pc=pc, move="verify")
    assert e.value.code == "not_on_issuer_list"
    dept = city.actor_of(Role.DEPT_ADMIN)
    counts = certificates.issuer_numbers_add(actor=dept, certificate=gs6, numbers=[("GS6-1", None, False)])
    assert counts["verified"] == 1
    pc.refresh_from_db()
    assert pc.state == PersonCertificate.State.VERIFIED
    certificates.certificate_transition(actor=school_admin, pc=pc, move="revoke", note="sai")
    pc.refresh_from_db()
    assert pc.state == PersonCertificate.State.REVOKED and not can_proceed(pc.verify)
    with pytest.raises(Conflict):
        certificates.certificate_transition(actor=school_admin, pc=pc, move="expire")


def test_expiry(city, system):
    import datetime as dt

    cert = catalogue.certificate_create(
        actor=system, data=CertificateIn(code="EXP", name="Hết hạn", issuer="X", validity_months=12)
    )
    pc = certificates.certificate_claim(
        actor=system,
        data=PersonCertificateIn(
            certificate_id=cert.pk, staff_id=city.staff[0].pk, issued_on=dt.date(2024, 1, 31)
        ),
    )
    assert pc.expires_on == dt.date(2025, 1, 31)
    due = certificates.expire_due(actor=system, today=dt.date(2025, 2, 1))
    assert [d.pk for d in due] == [pc.pk]
    pc.refresh_from_db()
    assert pc.state == PersonCertificate.State.EXPIRED
