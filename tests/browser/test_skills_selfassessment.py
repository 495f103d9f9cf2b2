"""A teacher self-assesses, the principal confirms, the department sees the heatmap and the
coverage chart move (issue #16's bar)."""

import datetime as dt

import pytest
from playwright.sync_api import expect


def _login(browser, live_server, username):
    from edudx.core.testing.city import PASSWORD

    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page


@pytest.mark.browser
def test_self_assessment_confirmed_moves_the_heatmap_and_coverage(live_city, live_server, browser):
    from edudx.core.roles import Role
    from edudx.registry.models import Staff
    from edudx.skills.models import Certificate, Framework, SelfAssessment
    from edudx.skills.schemas import CampaignIn, PersonCertificateIn
    from edudx.skills.services import campaigns, certificates

    city = live_city
    Staff.objects.filter(pk=city.staff[0].pk).update(user=city.users[Role.TEACHER])
    dept = city.actor_of(Role.DEPT_ADMIN)
    if not Framework.objects.exists():  # a browser test before this one flushed the shipped data
        from edudx.skills import loader, models

        loader.load(models, loader.read())
    fw = Framework.objects.get(audience=Framework.Audience.TEACHER)
    today = dt.date.today()  # the live server runs on the real clock: deadlines ahead of it
    campaign = campaigns.campaign_create(
        actor=dept,
        framework=fw,
        data=CampaignIn(
            name="Tự đánh giá năng lực số",
            school_year=f"{today.year}-{today.year + 1}",
            self_deadline=today + dt.timedelta(days=30),
            review_deadline=today + dt.timedelta(days=60),
        ),
    )
    campaigns.campaign_open(actor=dept, campaign=campaign)

    # The department: no confirmed self-assessment yet, no certificate.
    d_ctx, d_page = _login(browser, live_server, city.users[Role.DEPT_OFFICER].username)
    d_page.goto(f"{live_server.url}/skills/heatmap/?campaign={campaign.pk}")
    expect(d_page.get_by_test_id("heatmap")).to_be_visible()
    assert d_page.locator("[data-mean]").count() == 0
    d_page.goto(f"{live_server.url}/skills/?measure=std:basic&group=staff")
    expect(d_page.get_by_test_id("coverage-share")).to_have_text("0,0 %")

    # The teacher rates every competence and submits.
    t_ctx, t_page = _login(browser, live_server, city.users[Role.TEACHER].username)
    t_page.goto(f"{live_server.url}/skills/assess/")
    t_page.get_by_role("link", name="Tự đánh giá năng lực số").click()
    for select in t_page.locator("select[name^=rank_]").all():
        select.select_option("2")
    t_page.locator("input[name^=evidence_]").first.fill("https://truong.edu.vn/bai-giang-so")
    t_page.get_by_role("button", name="Nộp").click()
    expect(t_page.get_by_test_id("assessment-status")).to_have_text("Đã nộp")
    t_ctx.close()

    # The principal confirms it.
    p_ctx, p_page = _login(browser, live_server, city.users[Role.SCHOOL_ADMIN].username)
    p_page.goto(f"{live_server.url}/skills/confirm/")
    p_page.get_by_test_id("to-confirm").get_by_role("link").first.click()
    p_page.get_by_role("button", name="Xác nhận").click()
    expect(p_page.get_by_test_id("assessment-status")).to_have_text("Đã xác nhận")
    p_ctx.close()
    assert SelfAssessment.objects.get(campaign=campaign, staff=city.staff[0]).status == "confirmed"

    # The department's heatmap now shows the confirmed level; a certificate recorded moves coverage.
    d_page.goto(f"{live_server.url}/skills/heatmap/?campaign={campaign.pk}")
    expect(d_page.locator("[data-mean='2.0']").first).to_be_visible()
    certificates.certificate_claim(
        actor=dept,
        data=PersonCertificateIn(
            certificate_id=Certificate.objects.get(code="TT03_BASIC").pk, staff_id=city.staff[0].pk
        ),
    )
    d_page.goto(f"{live_server.url}/skills/?measure=std:basic&group=staff")
    expect(d_page.get_by_test_id("coverage-share")).to_have_text("25,0 %")
    expect(d_page.locator("#chart-coverage canvas")).to_be_visible()
    d_ctx.close()
