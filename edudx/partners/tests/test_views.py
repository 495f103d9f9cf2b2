"""The partners pages answer each role, show the secret once, and write through services."""

from __future__ import annotations

import pytest

from edudx.core.roles import Role
from edudx.partners.models import PartnerClient, SchoolApp

from .conftest import approved_app

pytestmark = pytest.mark.django_db


def test_catalogue_shows_drafts_to_the_department_only(city, client_for):
    live = approved_app(name="Ứng dụng sống")
    from edudx.core.actor import Actor
    from edudx.partners import services
    from edudx.partners.schemas import AppIn

    services.app_create(actor=Actor.system(source="t"), company=live.company, data=AppIn(name="Nháp kín"))
    dept = client_for(Role.DEPT_ADMIN).get("/partners/").content.decode()
    teacher = client_for(Role.TEACHER).get("/partners/").content.decode()
    assert "Nháp kín" in dept and "Ứng dụng sống" in dept
    assert "Nháp kín" not in teacher and "Ứng dụng sống" in teacher


def test_request_and_approve_through_the_pages(city, client_for):
    app = approved_app()
    school = city.schools[0]
    r = client_for(Role.SCHOOL_ADMIN).post(
        f"/partners/apps/{app.pk}/request/",
        {"school": school.pk, "legal_basis": "consent", "purpose": "Sổ liên lạc"},
    )
    assert r.status_code == 302
    use = SchoolApp.objects.get(app=app, school=school)
    r = client_for(Role.DEPT_ADMIN).post(f"/partners/requests/{use.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 302
    use.refresh_from_db()
    assert use.state == "approved"


def test_secret_is_shown_once(city, client_for):
    app = approved_app()
    c = client_for(Role.DEPT_ADMIN)
    r = c.post(
        f"/partners/apps/{app.pk}/clients/new/",
        {"name": "prod", "scopes": ["https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly"]},
    )
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    secret = r.context["secret"]
    assert secret in r.content.decode()
    client = PartnerClient.objects.get(app=app)
    assert secret not in c.get(f"/partners/apps/{app.pk}/").content.decode()
    assert client.client_id in c.get(f"/partners/apps/{app.pk}/").content.decode()


def test_subject_page_and_consent_by_the_pupil(city, client_for):
    from edudx.core.actor import Actor
    from edudx.partners import services

    app = approved_app(name="Ứng dụng của lớp")
    use = services.use_request(
        actor=Actor.system(source="t"), app=app, school=city.schools[0], legal_basis="consent"
    )
    services.use_decide(actor=Actor.system(source="t"), use=use, approve=True)
    pupil = city.students[0]
    c = client_for(Role.STUDENT)
    page = c.get(f"/partners/pupils/{pupil.pk}/")
    assert page.status_code == 200 and "Ứng dụng của lớp" in page.content.decode()
    r = c.post(
        f"/partners/pupils/{pupil.pk}/consent/",
        {"app": app.pk, "party": "pupil", "given": "1", "channel": "phone"},
    )
    assert r.status_code == 302
    assert client_for(Role.STUDENT).get(f"/partners/pupils/{city.students[1].pk}/").status_code == 404


def test_usage_page_counts_requests_of_schools_in_scope(city, client_for):
    from .conftest import make_partner

    p = make_partner(city)
    p.get("students")
    dept = client_for(Role.DEPT_ADMIN).get("/partners/usage/")
    assert dept.status_code == 200 and p.app.name in dept.content.decode()
    assert client_for(Role.TEACHER).get("/partners/usage/").status_code == 403


def test_inspection_export_lists_requests_of_schools_in_scope_only(city, client_for):
    import csv
    import io

    from .conftest import make_partner

    partner = make_partner(city, schools=((0, "public_task"), (2, "consent")))  # A1 and B1
    partner.get("users")
    r = client_for("school_admin").get("/partners/usage/export.csv", {"from": "2026-13-45", "to": "x"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    schools = {row[4] for row in rows[1:]}
    assert schools == {city.schools[0].moet_code}  # A1's administrator: A1's rows only
    assert all(row[6] for row in rows[1:]) and rows[1][2] == partner.app.name
    assert client_for("teacher").get("/partners/usage/export.csv").status_code in (403, 404)
