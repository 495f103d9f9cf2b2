"""Pages and API of results: figures through the scope, a school against its ward and the
city, pupils at risk with their signals, score book, pupil page and notes; foreign ids 404."""

import pytest
from django.test import Client

from edudx.core import aggregates
from edudx.core.roles import Role
from edudx.results import selectors
from edudx.results.aggregates import OUTCOMES
from edudx.results.models import FollowUp

from .helpers import pupil_rows, run, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(city, tmp_path):
    a1, b1 = city.schools[0], city.schools[2]
    p1, p2, p3 = city.students[0:3]
    rows = pupil_rows(a1, p1, 1, "9") + pupil_rows(a1, p2, 1, "7")
    rows += pupil_rows(a1, p3, 1, "4", comment="CĐ", absences="41")
    assert run(city, Role.DEPT_ADMIN, write(tmp_path / "a1.csv", rows)).written
    b_rows = [r for s in city.students[6:9] for r in pupil_rows(b1, s, 1, "6")]
    assert run(city, Role.DEPT_ADMIN, write(tmp_path / "b1.csv", b_rows)).written
    aggregates.refresh(OUTCOMES)
    return city


def client(city, role):
    c = Client()
    c.force_login(city.users[role])
    return c


def test_summary_counts_levels_bands_and_risk(imported):
    city = imported
    s = selectors.outcome_summary(scope=city.scope_of(Role.DEPT_ADMIN))
    assert (s.year, s.period, s.pupils, s.schools) == ("2025-2026", 1, 6, 2)
    assert s.learning == {"T": 1, "K": 1, "C": 1, "D": 3}
    assert s.bands["toan"] == [0, 1, 3, 1, 1]  # 4.0; 6.0 ×3; 7.0; 9.0
    assert s.at_risk == 1  # the pupil with 4.0 everywhere, a comment failed and 41 days absent
    ward = selectors.outcome_summary(scope=city.scope_of(Role.WARD_OFFICER))
    assert ward.pupils == 3 and ward.schools == 1  # ward A holds only A1's results


def test_principal_compares_school_ward_city(imported):
    city = imported
    school, ward, whole = selectors.comparison(
        scope=city.scope_of(Role.SCHOOL_ADMIN), school_id=city.schools[0].pk
    )
    assert (school.pupils, ward.pupils, whole.pupils) == (3, 3, 6)
    with pytest.raises(Exception) as exc:
        selectors.comparison(scope=city.scope_of(Role.SCHOOL_ADMIN), school_id=city.schools[2].pk)
    assert getattr(exc.value, "code", "") == "school_not_found"


def test_at_risk_pupils_are_explained(imported):
    city = imported
    rows, _y, _p = selectors.at_risk_pupils(scope=city.scope_of(Role.TEACHER), school_id=city.schools[0].pk)
    assert [r.student_id for r in rows] == [city.students[2].pk]
    assert set(rows[0].signals) == {"failed", "absences", "not_passed"}
    assert selectors.at_risk_counts(scope=city.scope_of(Role.DEPT_ADMIN), by="ward") == {
        city.wards[0].pk: 1,
        city.wards[1].pk: 0,
    }


def test_ethnicity_counts_under_ten_are_suppressed(imported):
    rows, _y, _p = selectors.breakdown(scope=imported.scope_of(Role.DEPT_ADMIN), by="ethnicity")
    assert rows and all(r["pupils"] is None and r["passed_share"] is None for r in rows)
    assert all(v is None for r in rows for v in r["counts"].values())


def test_pages_render_and_foreign_ids_are_404(imported):
    city = imported
    c = client(city, Role.SCHOOL_ADMIN)
    a1, b1 = city.schools[0], city.schools[2]
    page = c.get("/results/")
    assert page.status_code == 200 and b"results-rows" in page.content
    assert c.get(f"/results/schools/{a1.pk}/").status_code == 200
    assert c.get(f"/results/classes/{city.classes[0].pk}/?subject=toan").status_code == 200
    assert b"9,0" in c.get(f"/results/pupils/{city.students[0].pk}/").content
    assert c.get(f"/results/schools/{b1.pk}/").status_code == 404
    assert c.get(f"/results/classes/{city.classes[2].pk}/").status_code == 404
    assert c.get(f"/results/pupils/{city.students[6].pk}/").status_code == 404
    assert c.get("/results/?format=xlsx&by=school").status_code == 200


def test_teacher_adds_a_follow_up_note(imported):
    city = imported
    c = client(city, Role.TEACHER)
    p3 = city.students[2]
    r = c.post(f"/results/pupils/{p3.pk}/", {"text": "Đã gặp phụ huynh, hẹn phụ đạo Toán."})
    assert r.status_code == 302 and FollowUp.objects.get(student=p3).author == city.users[Role.TEACHER]
    c.post(f"/results/pupils/{p3.pk}/", {"text": "   "})
    assert FollowUp.objects.count() == 1
    client(city, Role.VIEWER).post(f"/results/pupils/{p3.pk}/", {"text": "x"})  # 404: not their pupil
    client(city, Role.WARD_OFFICER).post(f"/results/pupils/{p3.pk}/", {"text": "x"})  # sees, may not write
    assert FollowUp.objects.count() == 1


def test_pupil_sees_own_results_only(imported):
    city = imported
    c = client(city, Role.STUDENT)
    assert c.get(f"/results/pupils/{city.students[0].pk}/").status_code == 200
    assert c.get(f"/results/pupils/{city.students[1].pk}/").status_code == 404
    assert c.get("/results/").status_code == 403


def test_api_summary_and_foreign_school(imported):
    city = imported
    c = client(city, Role.SCHOOL_ADMIN)
    r = c.get("/api/v1/results/summary")
    assert r.status_code == 200 and r.json()["pupils"] == 3
    assert c.get(f"/api/v1/results/schools/{city.schools[2].pk}/at-risk").status_code == 404
    assert c.get(f"/api/v1/results/schools/{city.schools[0].pk}/comparison").json()[2]["pupils"] == 6
    book = c.get(f"/api/v1/results/classes/{city.classes[0].pk}/book?subject=toan").json()
    assert sorted(r["average"] for r in book) == [4.0, 7.0, 9.0]


@pytest.mark.parametrize(
    "role", [Role.SCHOOL_ADMIN, Role.TEACHER, Role.STUDENT, Role.WARD_OFFICER, Role.VIEWER]
)
def test_every_route_refuses_school_b1_to_roles_of_a1_or_ward_a(imported, role):
    city = imported
    b1, cls, pupil = city.schools[2], city.classes[2], city.students[6]
    c = client(city, role)
    urls = [f"/results/schools/{b1.pk}/", f"/results/schools/{b1.pk}/?format=xlsx", f"/results/classes/{cls.pk}/",
            f"/results/pupils/{pupil.pk}/", f"/api/v1/results/schools/{b1.pk}/comparison",
            f"/api/v1/results/schools/{b1.pk}/at-risk", f"/api/v1/results/classes/{cls.pk}/book",
            f"/api/v1/results/pupils/{pupil.pk}", f"/api/v1/results/summary?school_id={b1.pk}"]  # fmt: skip
    for url in urls:
        r = c.get(url)
        assert r.status_code in (403, 404), (url, r.status_code)
    r = c.post(f"/results/pupils/{pupil.pk}/", {"text": "x"})
    assert r.status_code in (403, 404) and not FollowUp.objects.exists()
    for url in ("/results/?by=school", "/api/v1/results/at-risk-counts"):
        assert b1.unit.name.encode() not in c.get(url).content


def test_a_pupil_who_dropped_out_is_flagged(imported):
    from edudx.core import aggregates
    from edudx.registry.models import Student
    from edudx.results.aggregates import OUTCOMES

    city = imported
    Student.objects.filter(pk=city.students[0].pk).update(status="bo_hoc")
    rows, _y, _p = selectors.at_risk_pupils(
        scope=city.scope_of(Role.SCHOOL_ADMIN), school_id=city.schools[0].pk
    )
    assert {r.student_id: r.signals for r in rows}[city.students[0].pk] == ("left",)
    aggregates.refresh(OUTCOMES)
    assert selectors.outcome_summary(scope=city.scope_of(Role.SCHOOL_ADMIN)).at_risk == 2


def test_outsider_inputs_never_answer_500(imported):
    city = imported
    c = client(city, Role.DEPT_ADMIN)
    huge = 2**70
    for url in (f"/results/schools/{huge}/", f"/results/classes/{huge}/", f"/results/pupils/{huge}/"):
        assert c.get(url).status_code == 404, url
    for url in (f"/api/v1/results/schools/{huge}/comparison", f"/api/v1/results/pupils/{huge}",
                "/api/v1/results/summary?period=7", f"/api/v1/results/summary?school_id={huge}"):  # fmt: skip
        assert c.get(url).status_code == 422, url
    cls, pupil = city.classes[0], city.students[0]
    for url in ("/results/?year=%00&period=9&by=%3Cscript%3E", "/results/?by=ethnicity&format=xlsx&year=" + "9" * 500,
                f"/results/classes/{cls.pk}/?subject=%00&semester=x", f"/results/schools/{city.schools[0].pk}/?period=%00",
                "/api/v1/results/summary?year=%00", f"/api/v1/results/classes/{cls.pk}/book?subject=%00"):  # fmt: skip
        assert c.get(url).status_code < 500, url
    t = client(city, Role.TEACHER)
    t.post(f"/results/pupils/{pupil.pk}/", {"text": "Gặp\x00 phụ huynh" + "x" * 5000})
    t.post(f"/results/pupils/{pupil.pk}/", {"text": "Gặp\x00 phụ huynh"})
    assert list(FollowUp.objects.values_list("text", flat=True)) == ["Gặp phụ huynh"]


def test_a_long_breakdown_is_drawn_a_page_at_a_time_with_its_count(imported, monkeypatch):
    from edudx.results import views

    monkeypatch.setattr(views, "ROWS_PER_PAGE", 1)
    c = client(imported, Role.DEPT_ADMIN)
    rows, _y, _p = selectors.breakdown(scope=imported.scope_of(Role.DEPT_ADMIN), by="school")
    assert len(rows) >= 2
    first = c.get("/results/?by=school").content.decode()
    second = c.get("/results/?by=school&page=2").content.decode()
    assert rows[0]["label"] in first and rows[1]["label"] not in first
    assert rows[1]["label"] in second and rows[0]["label"] not in second
    assert f"{len(rows)} dòng" in first and "page=2" in first
    assert c.get("/results/?by=school&page=x9").status_code == 200  # a junk page number: the first
