"""The library flows people live in, in Chromium: a teacher contributes a Word file and
submits it, a department reviewer publishes it, and anyone finds it by typing without accents
(suggestions as you type), at phone width too."""

import re

import pytest
from playwright.sync_api import expect

from edudx.core.testing.city import PASSWORD


def login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit], form button").last.click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_contribute_review_publish_and_find_without_accents(page, live_server, city, tmp_path):
    from edudx.library.tests.helpers import docx_bytes

    doc = tmp_path / "bai-giang.docx"
    doc.write_bytes(docx_bytes("Phương trình bậc hai một ẩn", "Công thức nghiệm và biệt thức Δ"))

    login(page, live_server, "t_teacher")
    page.goto(f"{live_server.url}/library/new/")
    page.fill("#id_title", "Phương trình bậc hai một ẩn")
    page.select_option("#id_subject", "toan")
    page.check("input[name=grades][value='9']")
    page.select_option("#id_licence", "CC-BY-4.0")
    page.set_input_files("#id_file", str(doc))
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("state")).to_have_class(re.compile("text-bg-secondary"))
    expect(page.get_by_test_id("text-preview")).to_contain_text("biệt thức Δ")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("state")).to_have_class(re.compile("text-bg-warning"))

    login(page, live_server, "t_dept_officer")
    page.goto(f"{live_server.url}/library/review/")
    page.get_by_test_id("review-queue").get_by_role("link", name="Phương trình bậc hai một ẩn").click()
    page.get_by_test_id("publish").click()
    # "Published" may take another module's wording ("Đã công bố"): the green badge is the state.
    expect(page.get_by_test_id("state")).to_have_class(re.compile("text-bg-success"))

    login(page, live_server, "t_viewer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/library/")
    page.get_by_test_id("library-search").press_sequentially("phuong trinh b", delay=30)
    expect(page.get_by_test_id("suggestions")).to_contain_text("Phương trình bậc hai một ẩn")
    page.get_by_test_id("library-search").press("Enter")
    expect(page.get_by_test_id("results")).to_contain_text("Phương trình bậc hai một ẩn")
    expect(page.get_by_test_id("result-count")).to_contain_text("1 học liệu")
