"""The flows an officer lives in, driven through Chromium: log in, browse students in scope,
search without diacritics, be refused outside the scope, switch language, use a phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_ward_officer_browses_searches_and_is_refused_outside_the_ward(live_server, live_city, login):
    page = login("t_ward_officer")
    # Vietnamese by default: the sidebar offers the student list.
    page.locator('#sidebar a[href="/registry/students/"]').click()
    expect(page.get_by_role("heading", name="Học sinh")).to_be_visible()
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("Nguyễn Văn An Paa")
    expect(results).to_contain_text("Trần Thị Bình Pab")
    # Only ward A's students: none of ward B's schools.
    expect(results).not_to_contain_text("Pba")
    expect(results).not_to_contain_text("Pbb")
    expect(results.locator("tbody tr")).to_have_count(6)

    # Live search, typed without diacritics.
    page.get_by_label("Tìm kiếm").press_sequentially("nguyen van an", delay=20)
    expect(results.locator("tbody tr")).to_have_count(2)
    expect(results).to_contain_text("Nguyễn Văn An Paa")
    expect(results).not_to_contain_text("Trần Thị Bình")
    expect(page).to_have_url(re.compile(r"q=nguyen"))

    # A student of ward B, opened by URL: refused with the not-found page.
    foreign = next(s for s in live_city.students if s.school_id == live_city.schools[2].pk)
    response = page.goto(f"{live_server.url}/registry/students/{foreign.pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("error-page")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(foreign.full_name)


def test_language_switch_to_english_and_back(live_server, live_city, login):
    page = login("t_ward_officer")
    page.goto(f"{live_server.url}/registry/students/")
    expect(page.get_by_role("heading", name="Học sinh")).to_be_visible()
    page.select_option("#language-select", "en")
    expect(page.get_by_role("heading", name="Students")).to_be_visible()
    expect(page.get_by_role("complementary")).to_contain_text("Registry")
    expect(page.get_by_label("Search")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Date of birth")).to_be_visible()
    page.select_option("#language-select", "vi")
    expect(page.get_by_role("heading", name="Học sinh")).to_be_visible()
    expect(page.get_by_role("complementary")).to_contain_text("Dữ liệu ngành")
    expect(page.get_by_role("columnheader", name="Ngày sinh")).to_be_visible()


def test_phone_width_collapses_the_sidebar_into_the_menu(live_server, live_city, login, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login("t_school_admin")
    sidebar_link = page.locator('#sidebar a[href="/registry/students/"]')
    expect(sidebar_link).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(sidebar_link).to_be_visible()
    sidebar_link.click()
    expect(page.get_by_role("heading", name="Học sinh")).to_be_visible()
    # The filters fold away behind a button on a phone.
    grade = page.get_by_label("Khối")
    expect(grade).to_be_hidden()
    page.get_by_role("button", name="Thêm bộ lọc").click()
    expect(grade).to_be_visible()
    # The table fits: no horizontal scrolling of the page itself.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_filters_update_the_table_and_a_school_brings_its_classes(live_server, live_city, login):
    page = login("t_dept_officer")
    page.goto(f"{live_server.url}/registry/students/")
    results = page.get_by_test_id("results")
    expect(results.locator("tbody tr")).to_have_count(12)
    page.get_by_label("Giới tính").select_option("female")
    expect(results.locator("tbody tr")).to_have_count(4)
    page.get_by_label("Trường").select_option(label=live_city.schools[2].unit.name)
    # The school's classes now appear as a filter; the gender choice is kept.
    page.get_by_label("Lớp").select_option(label="6A1")
    expect(results.locator("tbody tr")).to_have_count(1)
    expect(results).to_contain_text("Trần Thị Bình Pba")
    # Export follows the filters on screen.
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Trần Thị Bình Pba" in text and "Nguyễn Văn An" not in text
