"""Past the search budget, the live search shows why nothing comes back: htmx swaps the 429's
message in place of the results (web/static/web/behaviours.js)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_live_search_shows_the_wait_message_past_the_limit(live_server, live_city, login, settings):
    from django.core.cache import caches

    caches["shared"].clear()
    settings.EDUDX_SEARCH_RATES = ["2/d"]  # a day-long window: the count cannot roll over mid-test
    page = login("t_ward_officer")
    page.goto(f"{live_server.url}/registry/students/")
    search = page.get_by_label("Tìm kiếm")
    for text in ("nguyen", "tran"):
        search.fill("")
        search.press_sequentially(text, delay=20)
        expect(page).to_have_url(re.compile("q=" + text))
        expect(page.get_by_test_id("results").locator("tbody tr").first).to_be_visible()
    search.fill("")
    search.press_sequentially("pham", delay=20)
    expect(page.get_by_test_id("rate-limited")).to_contain_text("Bạn đã tìm kiếm quá nhiều lần")
    caches["shared"].clear()
