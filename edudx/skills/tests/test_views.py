import pytest
import time_machine

from edudx.core.roles import Role
from edudx.skills.models import Certificate, Competence, SelfAssessment
from edudx.skills.schemas import PersonCertificateIn
from edudx.skills.services import certificates

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spring_2026():
    """Inside the 2025-2026 campaign's self-assessment window."""
    with time_machine.travel("2026-03-01 08:00 +0700", tick=False):
        yield


def _login(client, city, role):
    client.force_login(city.users[role])
    return client


def test_coverage_moves_when_a_certificate_is_recorded(city, client):
    _login(client, city, Role.DEPT_OFFICER)
    r = client.get("/skills/?measure=std:basic&group=staff")
    assert r.status_code == 200
    assert r.context["data"]["holders"] == 0 and r.context["data"]["people"] == 4
    gs6 = Certificate.objects.get(code="IC3_GS6")
    certificates.certificate_claim(
        actor=city.actor_of(Role.DEPT_ADMIN),
        data=PersonCertificateIn(certificate_id=gs6.pk, staff_id=city.staff[2].pk),
    )
    r = client.get("/skills/?measure=std:basic&group=staff")
    assert r.context["data"]["holders"] == 1 and r.context["data"]["share"] == 25.0
    ward_b = city.wards[1].pk
    r = client.get(f"/skills/?measure=IC3_GS6&group=staff&area={ward_b}")
    assert [row["holders"] for row in r.context["data"]["rows"]][0] == 1
    csv = client.get("/skills/?measure=IC3_GS6&format=csv")
    assert csv.status_code == 200 and "Phường Bến Thành" in b"".join(csv.streaming_content).decode(
        "utf-8-sig"
    )
    # an unknown measure or a foreign/odd area falls back instead of failing
    assert client.get("/skills/?measure=%3Cscript%3E&area=999999999999&sub=x").status_code == 200


def test_school_drill_down_is_scoped_and_masks_pupils(city, client):
    gs6 = Certificate.objects.get(code="IC3_GS6")
    pupil_b1 = city.students[6]
    certificates.certificate_claim(
        actor=city.actor_of(Role.DEPT_ADMIN),
        data=PersonCertificateIn(certificate_id=gs6.pk, student_id=pupil_b1.pk),
    )
    _login(client, city, Role.SCHOOL_ADMIN)  # school A1
    assert client.get(f"/skills/schools/{city.schools[2].pk}/").status_code == 404
    client.logout()
    _login(client, city, Role.DEPT_OFFICER)
    r = client.get(f"/skills/schools/{city.schools[2].pk}/")
    assert r.status_code == 200 and pupil_b1.full_name.encode() in r.content


def test_self_assessment_pages(city, client, campaign, teachers_fw):
    mine = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[0])
    comps = list(Competence.objects.filter(framework=teachers_fw))
    _login(client, city, Role.TEACHER)
    assert "Tự đánh giá".encode() in client.get("/skills/assess/").content
    post = {f"rank_{c.pk}": "2" for c in comps} | {
        "action": "submit",
        f"evidence_{comps[0].pk}": "https://x.vn/a",
    }
    r = client.post(f"/skills/assess/{mine.pk}/", post)
    assert r.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "submitted"
    # a bad level is refused with a message, not a 500
    assert (
        client.post(f"/skills/assess/{mine.pk}/", {f"rank_{comps[0].pk}": "99", "action": "save"}).status_code
        == 302
    )
    other = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[2])
    assert client.get(f"/skills/assess/{other.pk}/").status_code == 404
    client.logout()
    _login(client, city, Role.SCHOOL_ADMIN)
    assert f"/skills/assess/{mine.pk}/".encode() in client.get("/skills/confirm/").content
    r = client.post(f"/skills/assess/{mine.pk}/", {"action": "confirm"})
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    client.logout()
    _login(client, city, Role.DEPT_OFFICER)
    r = client.get(f"/skills/heatmap/?campaign={campaign.pk}")
    assert r.status_code == 200 and b'data-mean="2.0"' in r.content


def test_api(city, client):
    _login(client, city, Role.DEPT_OFFICER)
    assert client.get("/api/v1/skills/certificates").status_code == 200
    gs6 = Certificate.objects.get(code="IC3_GS6")
    r = client.post(
        "/api/v1/skills/people/certificates",
        {"certificate_id": gs6.pk, "staff_id": city.staff[0].pk, "number": "API-1"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pc = r.json()["id"]
    r = client.post(
        f"/api/v1/skills/people/certificates/{pc}/move", {"move": "verify"}, content_type="application/json"
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_on_issuer_list"
    r = client.get("/api/v1/skills/coverage?measure=IC3_GS6")
    assert r.status_code == 200 and sum(row["holders"] for row in r.json()) == 1
    client.logout()
    _login(client, city, Role.SCHOOL_ADMIN)
    assert client.get("/api/v1/skills/results/unmatched").status_code == 403
    r = client.post(
        "/api/v1/skills/people/certificates",
        {"certificate_id": gs6.pk, "staff_id": city.staff[2].pk},
        content_type="application/json",
    )
    assert r.status_code == 404
