"""A school administrator checks their pupils against the registry, in Chromium, with the
simulator running as its own process."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from .conftest import citizen, start_simulator

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN"}


@pytest.fixture
def live_city(transactional_db):
    from edudx.core.testing.city import build_city

    return build_city()


@pytest.fixture
def live_registry(live_city, tmp_path, settings):
    rows = []
    for i, s in enumerate(live_city.students):
        name = s.full_name.replace("Bình", "Binh") if i == 1 else s.full_name
        dob = s.date_of_birth + dt.timedelta(days=1) if i == 2 else s.date_of_birth
        rows.append(citizen(s.personal_id, name, dob, s.gender))
    sim = start_simulator(tmp_path / "citizens.sqlite3", rows)
    settings.EDUDX_CITIZEN_REGISTRY_URL = sim.url
    settings.EDUDX_CITIZEN_REGISTRY_KEY = "test-key"
    settings.EDUDX_CITIZEN_REGISTRY_RATE = 1000.0
    yield sim
    sim.stop()


def login(page, live_server, username: str):
    from edudx.core.testing.city import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/")


def test_school_admin_verifies_pupils_and_sees_the_mismatches(live_server, live_city, live_registry, page):
    login(page, live_server, "t_school_admin")
    page.get_by_role("link", name="Xác thực định danh").click()
    expect(page.get_by_role("heading", name="Xác thực định danh", exact=True)).to_be_visible()
    expect(page.get_by_test_id("count-unverified")).to_have_text("3")

    page.get_by_test_id("verify-button").click()
    expect(page.locator("#run-progress")).to_have_attribute("data-state", "done")
    expect(page.locator("#run-progress")).to_contain_text("100%")

    page.get_by_role("link", name="Quay lại trang xác thực").click()
    expect(page.get_by_test_id("count-verified")).to_have_text("1")
    expect(page.get_by_test_id("count-mismatch")).to_have_text("2")
    rows = page.get_by_test_id("problem-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Trần Thị Bình")).to_contain_text("họ và tên")
    expect(rows.filter(has_text="Phạm Minh Châu")).to_contain_text("ngày sinh")
    expect(page.locator("#chart-status canvas")).to_have_count(1)


def test_the_page_fits_a_phone(live_server, live_city, live_registry, page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "t_school_admin")
    page.goto(f"{live_server.url}/identity/")
    expect(page.get_by_test_id("verify-button")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
