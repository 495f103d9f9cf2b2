"""Role dashboards in Chromium (issue #18 item 7): a department officer drills from the city's DX
list on home to a ward, to one of its schools, to the school's evaluation and to the evidence
behind an automatic point (indicator, formula, source, time); the home page fits a 390 px phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def published_school(live_city):
    from types import SimpleNamespace

    from edudx.core.actor import Actor
    from edudx.monitoring import loader, models, services
    from edudx.monitoring.models import Assessment, Criterion
    from edudx.monitoring.schemas import EntryIn

    # Shipped by data migrations; a transactional test database may have flushed them.
    fw = loader.load(models, loader.read("fw_4725.json"), year=2025)
    loader.load_scoring(
        SimpleNamespace(
            Framework=models.Framework, Criterion=models.Criterion, ScoringBand=models.ScoringBand
        ),
        loader.read("fw_4725_scoring.json"),
    )
    admin = live_city.actor_of("dept_admin")
    today = timezone.localdate()
    c = services.campaign_create(
        actor=admin, framework=fw, owner=live_city.dept, name="Đánh giá CĐS năm học 2025-2026",
        school_year="2025-2026", self_deadline=today + dt.timedelta(days=20),
        review_deadline=today + dt.timedelta(days=40),
    )  # fmt: skip
    services.campaign_transition(actor=admin, campaign=c, to="open")
    services.campaign_autoscore(actor=admin, campaign=c)
    a = Assessment.objects.get(campaign=c, school=live_city.schools[0])
    system = Actor.system(source="test")
    services.assessment_ensure_entries(a)
    for e in a.entries.select_related("criterion").prefetch_related("criterion__subitems"):
        if e.criterion.kind == Criterion.Kind.MANDATORY:
            data = {"met": "1"}
        elif e.auto_points.exists():
            continue  # the automatic points stay as computed
        elif list(e.criterion.subitems.all()):
            data = {"sub_points": {s.code: str(s.max_points) for s in e.criterion.subitems.all()}}
        else:
            data = {"points": str(e.criterion.max_points)}
        services.entry_save(actor=system, entry=e, data=EntryIn.model_validate(data), version=e.version)
    services.assessment_submit(actor=system, assessment=a)
    services.assessment_approve(actor=admin, assessment=a)
    services.assessment_publish(actor=admin, assessment=a)
    return a


def test_an_officer_drills_from_the_city_to_the_evidence_of_an_automatic_point(
    live_server, live_city, published_school, login, page
):
    login("t_dept_officer")
    table = page.get_by_test_id("dx-table")
    expect(table).to_be_visible()
    table.get_by_role("link", name=live_city.wards[0].name).click()  # city → ward
    page.wait_for_url("**/?ward=*")
    school = live_city.schools[0]
    expect(page.get_by_test_id("dx-table")).not_to_contain_text(live_city.schools[2].name)
    page.get_by_test_id("dx-table").get_by_role("link", name=school.name).click()  # ward → school
    page.get_by_test_id("profile").get_by_role("link").first.click()  # school → its evaluation
    point = page.get_by_test_id("auto-point-II.3b")  # the criterion's automatic point
    expect(point).to_be_visible()
    expect(point).to_contain_text("registry.learner_personal_id_share")  # indicator, formula, source
    expect(point).to_contain_text("6")


def test_home_fits_a_phone(live_server, live_city, published_school, login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("t_dept_officer")
    expect(page.get_by_test_id("dx-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_officer_drills_from_a_ward_to_a_class_and_a_pupils_record(
    live_server, live_city, published_school, login, page
):
    login("t_dept_officer")
    page.get_by_test_id("dx-table").get_by_role("link", name=live_city.wards[0].name).click()
    page.wait_for_url("**/?ward=*")
    school, cls, pupil = live_city.schools[0], live_city.classes[0], live_city.students[0]
    row = page.get_by_test_id("dx-table").get_by_role("row").filter(has_text=school.name)
    row.get_by_test_id("dx-classes").click()  # ward → school's classes
    page.wait_for_url("**/?school=*")
    classes = page.get_by_test_id("classes-table")
    expect(classes).to_contain_text(cls.name)
    expect(page.get_by_test_id("xlsx-classes")).to_be_visible()
    expect(page.get_by_test_id("pdf-classes")).to_be_visible()
    classes.get_by_role("link", name=cls.name).click()  # school → class
    page.get_by_role("link", name=pupil.full_name).first.click()  # class → the pupil's record
    page.wait_for_url(f"**/students/{pupil.pk}/")
    expect(page.locator("h1")).to_contain_text(pupil.full_name)
