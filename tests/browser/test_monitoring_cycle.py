"""The yearly DX evaluation, end to end in Chromium: the school administrator completes and
submits the self-assessment; the ward officer returns it with a comment; the school fixes it
and resubmits; the officer approves and publishes; the school's PDF report says so."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def dx_campaign(live_city):
    from edudx.monitoring import loader, models, services
    from edudx.monitoring.models import Assessment

    # Shipped by a data migration; a transactional test database may have flushed it.
    fw = loader.load(models, loader.read("fw_4725.json"), year=2025)
    admin = live_city.actor_of("dept_admin")
    today = timezone.localdate()
    c = services.campaign_create(
        actor=admin,
        framework=fw,
        owner=live_city.dept,
        name="Đánh giá CĐS năm học 2025-2026",
        school_year="2025-2026",
        self_deadline=today + dt.timedelta(days=20),
        review_deadline=today + dt.timedelta(days=40),
    )
    services.campaign_transition(actor=admin, campaign=c, to="open")
    return Assessment.objects.get(campaign=c, school=live_city.schools[0])


def _fill_everything(page):
    """Every criterion of the form: conditions met, sub-items and points at most their maximum."""
    for card in page.locator("article.mdx-entry").all():
        for select in card.locator("select[name=met]").all():
            select.select_option("1")
        for field in card.locator("input[type=number]").all():
            field.fill(str(int(float(field.get_attribute("max")) * 0.8)))
        for reason in card.locator("textarea[name=override_reason]").all():  # automatic points changed
            reason.fill("Số liệu của trường cập nhật sau")
        card.locator("textarea[name=comment]").fill("Minh chứng lưu tại văn phòng trường")
        card.locator("textarea[name=comment]").blur()
        expect(card.get_by_test_id("saved")).to_be_visible()


def _login_as(page, login, username):
    page.context.clear_cookies()
    return login(username)


def test_self_assessment_review_and_publication_cycle(live_server, live_city, dx_campaign, login):
    a = dx_campaign
    detail = f"{live_server.url}/monitoring/assessments/{a.pk}/"
    school_name = live_city.schools[0].name

    # --- the school administrator fills in and submits
    page = login("t_school_admin")
    page.goto(f"{live_server.url}/monitoring/")
    page.get_by_test_id("my-assessment").first.click()
    expect(page).to_have_url(detail)
    _fill_everything(page)
    # points above the maximum (10) are refused in the page and never saved
    i4 = page.get_by_test_id("entry-I.4")
    i4.locator("input[name=points]").fill("11")
    i4.locator("input[name=points]").blur()
    expect(i4.locator("input[name=points]:invalid")).to_have_count(1)
    page.reload()
    expect(page.get_by_test_id("entry-I.4").locator("input[name=points]")).to_have_value("8.00")
    # 80 % of every maximum rounded down, autosaved: 73 points in group I, 67 in group II
    expect(page.get_by_test_id("group-points-I")).to_have_text("73")
    expect(page.get_by_test_id("group-points-II")).to_have_text("67")
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("submit-btn").click()
    expect(page.get_by_test_id("status").first).to_have_text("Đã nộp")
    expect(page.locator("select[name=met]")).to_have_count(0)  # locked

    # --- the ward officer returns it with a comment on I.4
    page = _login_as(page, login, "t_ward_officer")
    page.goto(f"{live_server.url}/monitoring/review/")
    page.get_by_test_id("queue").get_by_role("link", name=school_name).click()
    review = page.get_by_test_id("review-I.4")
    review.locator("textarea").fill("Bổ sung danh mục học liệu số kèm đường dẫn")
    page.get_by_test_id("return-btn").click()
    expect(page.get_by_test_id("status").first).to_have_text("Trả lại")

    # --- the school reads the comment, fixes I.4 and resubmits
    page = _login_as(page, login, "t_school_admin")
    page.goto(detail)
    i4 = page.get_by_test_id("entry-I.4")
    expect(i4.get_by_test_id("review-comment")).to_contain_text("Bổ sung danh mục học liệu số")
    i4.locator("input[name=value]").fill("https://hoclieu.example.edu.vn — 312 học liệu")
    i4.locator("input[name=value]").blur()
    expect(i4.get_by_test_id("saved")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("submit-btn").click()
    expect(page.get_by_test_id("status").first).to_have_text("Đã nộp")

    # --- the officer approves and publishes
    page = _login_as(page, login, "t_ward_officer")
    page.goto(detail)
    page.get_by_test_id("approve-btn").click()
    expect(page.get_by_test_id("status").first).to_have_text("Đã duyệt")
    page.get_by_test_id("publish-btn").click()
    expect(page.get_by_test_id("status").first).to_have_text("Đã công bố")
    history = page.get_by_test_id("history")
    for op in ("assessment_submit", "assessment_return", "assessment_approve", "assessment_publish"):
        expect(history).to_contain_text(op)

    # --- the school opens its PDF report
    page = _login_as(page, login, "t_school_admin")
    page.goto(detail)
    href = page.get_by_test_id("pdf-link").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.body(), capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = " ".join(text.split())  # table cells wrap across lines in the PDF's columns
    assert school_name.upper() in text  # the issuing unit, in capitals as Decree 30 sets it
    assert "Chuyển đổi số trong dạy, học" in text
    assert "Đã công bố" in text
    assert "312 học liệu" in flat
