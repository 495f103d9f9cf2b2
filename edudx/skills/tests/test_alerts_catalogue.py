import datetime as dt

import pytest
from django.core.management import call_command

from edudx.core.roles import Role
from edudx.registry.models import Staff
from edudx.skills import selectors
from edudx.skills.models import Alert, Certificate, PersonCertificate, TargetLevel
from edudx.skills.schemas import CertificateIn, PersonCertificateIn
from edudx.skills.services import alerts, catalogue, certificates

pytestmark = pytest.mark.django_db


def _claim(system, cert, staff, issued_on, number):
    return certificates.certificate_claim(
        actor=system,
        data=PersonCertificateIn(
            certificate_id=cert.pk, staff_id=staff.pk, issued_on=issued_on, number=number
        ),
    )


def test_expiry_alerts_reach_the_holder_and_their_school_once(city, system, client):
    cert = catalogue.certificate_create(
        actor=system,
        data=CertificateIn(code="EXP12", name="Chứng chỉ 12 tháng", issuer="X", validity_months=12),
    )
    Staff.objects.filter(pk=city.staff[0].pk).update(user=city.users[Role.TEACHER])
    soon = _claim(system, cert, city.staff[0], dt.date(2025, 3, 10), "A1-SOON")  # runs out 10/03/2026
    gone = _claim(system, cert, city.staff[0], dt.date(2025, 1, 5), "A1-GONE")  # ran out 05/01/2026
    b1 = _claim(system, cert, city.staff[2], dt.date(2025, 3, 1), "B1-SOON")
    _claim(system, cert, city.staff[1], dt.date(2025, 9, 1), "A2-LATER")  # not within 60 days
    today = dt.date(2026, 2, 1)
    assert alerts.alerts_send(actor=system, today=today) == {"expired": 1, "expiring": 2}
    assert alerts.alerts_send(actor=system, today=today) == {"expired": 0, "expiring": 0}
    gone.refresh_from_db()
    assert gone.state == PersonCertificate.State.EXPIRED
    teacher = city.actor_of(Role.TEACHER)
    mine = selectors.alerts(scope=teacher.scope, staff_id=city.staff[0].pk, today=today)
    assert {(a.person_certificate_id, a.kind) for a in mine} == {(soon.pk, "expiring"), (gone.pk, "expired")}
    school = selectors.alerts(scope=city.scope_of(Role.SCHOOL_ADMIN), staff_id=None, today=today)
    assert b1.pk not in {a.person_certificate_id for a in school} and len(school) == 2
    dept = selectors.alerts(scope=city.scope_of(Role.DEPT_OFFICER), staff_id=None, today=today)
    assert len(dept) == 3
    client.force_login(city.users[Role.TEACHER])
    page = client.get("/skills/alerts/")
    assert (
        page.status_code == 200
        and "A1-SOON" in page.content.decode()
        and "B1-SOON" not in page.content.decode()
    )
    api = client.get("/api/v1/skills/alerts")
    assert api.status_code == 200 and {a["person_certificate_id"] for a in api.json()} == {soon.pk, gone.pk}
    client.force_login(city.users[Role.STUDENT])
    assert client.get("/skills/alerts/").status_code == 403
    assert client.get("/api/v1/skills/alerts").status_code == 403
    Alert.objects.all().delete()
    call_command("skills_daily", "--now")
    assert Alert.objects.count() >= 1  # today's run: whatever runs out around the real date


def test_the_department_edits_the_catalogue_and_the_targets(city, client, teachers_fw):
    client.force_login(city.users[Role.SCHOOL_ADMIN])
    assert client.get("/skills/catalogue/").status_code == 403
    assert client.post("/skills/catalogue/new/", {"code": "X"}).status_code == 403
    client.force_login(city.users[Role.DEPT_ADMIN])
    assert client.get("/skills/catalogue/").status_code == 200
    form = {
        "code": "TINHOC_A",
        "name": "Tin học ứng dụng A",
        "family": "other",
        "issuer": "Trung tâm X",
        "levels": "A\nB",
        "validity_months": "24",
        "meets_standard": "basic",
        "module_codes": "iu01, IU02",
    }
    r = client.post("/skills/catalogue/new/", form)
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    cert = Certificate.objects.get(code="TINHOC_A")
    assert cert.levels == ["A", "B"] and sorted(m.code for m in cert.modules.all()) == ["IU01", "IU02"]
    again = client.post("/skills/catalogue/new/", form)
    assert again.status_code == 200 and again.context["form"].errors
    bad = client.post("/skills/catalogue/new/", {**form, "code": "TINHOC_B", "module_codes": "IU99"})
    assert bad.status_code == 200 and not Certificate.objects.filter(code="TINHOC_B").exists()
    page = client.get(f"/skills/catalogue/{cert.pk}/edit/")
    assert page.status_code == 200 and "IU01, IU02" in page.content.decode()
    r = client.post(f"/skills/catalogue/{cert.pk}/edit/", {**form, "validity_months": "36"})
    assert r.status_code == 302
    cert.refresh_from_db()
    assert cert.validity_months == 36
    r = client.post(f"/skills/frameworks/{teachers_fw.pk}/targets/", {"position": "giao_vien", "rank": "2"})
    assert r.status_code == 302
    assert TargetLevel.objects.get(framework=teachers_fw, position="giao_vien").rank == 2
    r = client.post(f"/skills/frameworks/{teachers_fw.pk}/targets/", {"position": "nobody", "rank": "2"})
    assert r.status_code == 200 and "position" in r.context["form"].errors
    assert client.get("/skills/frameworks/999999/targets/").status_code == 404


def test_an_issuer_list_verifies_and_revokes_through_the_api(city, system, gs6, client):
    ok = _claim(system, gs6, city.staff[0], dt.date(2025, 5, 1), "GS6-OK")
    bad = _claim(system, gs6, city.staff[1], dt.date(2025, 5, 1), "GS6-BAD")
    body = {"numbers": [{"number": "GS6-OK"}, {"number": "GS6-BAD", "revoked": True}]}
    client.force_login(city.users[Role.SCHOOL_ADMIN])
    url = f"/api/v1/skills/certificates/{gs6.pk}/issuer-numbers"
    assert client.post(url, body, content_type="application/json").status_code == 403
    client.force_login(city.users[Role.DEPT_OFFICER])
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"added": 2, "verified": 1, "revoked": 1}
    ok.refresh_from_db()
    bad.refresh_from_db()
    assert (ok.state, bad.state) == ("verified", "revoked")
    assert client.post(url, {"numbers": []}, content_type="application/json").status_code == 422
    r = client.post(
        "/api/v1/skills/certificates/999999/issuer-numbers", body, content_type="application/json"
    )
    assert r.status_code == 404


def test_a_teacher_sees_their_own_certificates_and_training(city, system, client, teachers_fw):
    from edudx.skills.schemas import CourseCompletionIn
    from edudx.skills.services import training

    cert = catalogue.certificate_create(
        actor=system, data=CertificateIn(code="OWN12", name="Chứng chỉ riêng", issuer="X", validity_months=12)
    )
    Staff.objects.filter(pk=city.staff[0].pk).update(user=city.users[Role.TEACHER])
    _claim(system, cert, city.staff[0], dt.date(2025, 3, 10), "MINE-1")
    _claim(system, cert, city.staff[1], dt.date(2025, 3, 10), "COLLEAGUE-1")
    competence = selectors.staff_competences().filter(framework=teachers_fw).first()
    training.course_completed(
        actor=system,
        data=CourseCompletionIn(
            staff_id=city.staff[0].pk,
            competence_ids=[competence.pk],
            course_title="Khoá học soạn bài giảng số",
            reference="learning:course:1",
            completed_on=dt.date(2026, 1, 15),
        ),
    )
    client.force_login(city.users[Role.TEACHER])
    page = client.get("/skills/me/").content.decode()
    assert "MINE-1" in page and "COLLEAGUE-1" not in page
    assert "Khoá học soạn bài giảng số" in page and "15/01/2026" in page
    assert "Tự khai" in page  # the status, in Vietnamese
    client.force_login(city.users[Role.SCHOOL_ADMIN])  # no staff record linked to this login
    assert 'data-testid="not-linked"' in client.get("/skills/me/").content.decode()
    client.force_login(city.users[Role.STUDENT])
    assert client.get("/skills/me/").status_code == 403
