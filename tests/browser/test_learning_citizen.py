"""Issue #15: a citizen on a phone (390 px) registers with an e-mail address (the code comes by
e-mail), enrols in an open course, passes it, downloads the PDF certificate and verifies the
Open Badges credential on the public page; the LRS holds a statement of every step."""

import json
import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.test_accessibility import _violations  # the axe-core WCAG 2.1 AA check


@pytest.mark.browser
def test_a_citizen_registers_passes_an_open_course_and_verifies_the_badge(
    live_city, live_server, browser, settings, tmp_path
):
    from edudx.learning.models import Certificate
    from edudx.learning.tests.test_open_courses import open_course
    from edudx.lrs.models import Statement

    settings.VAR_DIR = tmp_path
    url = live_server.url
    course, lesson, block, q = open_course(live_city)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", bypass_csp=True)
    pp = phone.new_page()
    pp.goto(f"{url}/learning/open/")
    assert _violations(pp) == []  # signed out: no menu button naming a sidebar that is not there
    pp.get_by_test_id("register-link").click()
    pp.wait_for_url(f"{url}/learning/register/")
    assert _violations(pp) == []
    pp.fill("#id_full_name", "Trần Thị Dân")
    pp.fill("#id_contact", "dan.tran@example.vn")
    pp.fill("#id_password", "Hoc-suot-doi-2026")
    pp.locator("form button[type=submit]").click()
    pp.wait_for_url(f"{url}/learning/register/verify/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    pp.fill("#id_code", code)
    pp.locator("form button[type=submit]").click()
    pp.wait_for_url(f"{url}/learning/open/")
    pp.locator("[data-testid=open-courses] a", has_text=course.title).click()
    pp.get_by_test_id("enrol").click()
    pp.locator("[data-testid=open-lessons] a", has_text=lesson.title).click()
    pp.wait_for_url(f"{url}/learning/me/lessons/{lesson.pk}/")
    assert _violations(pp) == []
    pp.locator("[data-testid=block-quiz] form button").click()
    pp.wait_for_url(f"{url}/learning/me/attempts/**")
    pp.get_by_label("Ng@y-2026", exact=True).check()
    pp.locator("[data-testid=attempt] button").click()
    expect(pp.get_by_test_id("lesson-done")).to_be_visible()
    assert pp.evaluate("document.documentElement.scrollWidth") <= 390

    pp.goto(f"{url}/learning/open/{course.pk}/")
    expect(pp.get_by_test_id("certificate")).to_be_visible()
    with pp.expect_download() as download:
        pp.get_by_test_id("certificate-pdf").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    cert = Certificate.objects.get(course=course)

    # The public page, from a browser that never signed in.
    anon = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", bypass_csp=True
    ).new_page()
    anon.goto(f"{url}/learning/verify/{cert.number}/")
    expect(anon.get_by_test_id("verify-status")).to_have_class(re.compile("alert-success"))
    assert _violations(anon) == []

    verbs = {json.loads(s.data)["verb"]["display"]["en-US"] for s in Statement.objects.all()}
    for verb in ("registered", "viewed", "started", "answered", "scored", "passed", "completed", "earned"):
        assert verb in verbs, verb
    phone.close()
