"""The Content-Security-Policy breaks no page: Chromium reports no violation on the pages that
run scripts (charts, htmx live search, the dependent-choice reload, auto-submitting filters),
and those scripts still do their work."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Recorded by the page itself (an init script is not subject to the policy).
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP complaint Chromium prints or the document reports collected."""
    messages = []
    page.on(
        "console",
        lambda m: (
            messages.append(m.text) if "Content Security Policy" in m.text or "Refused to" in m.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)

    def violations() -> list[str]:
        return messages + page.evaluate("window.__csp || []")

    page.violations = violations
    return page


def _assert_clean(page, where: str):
    page.wait_for_load_state("networkidle")
    assert page.violations() == [], where


def test_key_pages_run_their_scripts_without_a_csp_violation(live_server, live_city, login, watched):
    page = login("t_dept_admin")
    base = live_server.url
    assert "script-src 'self' 'nonce-" in page.request.get(f"{base}/").headers["content-security-policy"]

    # The overview: ECharts draws its charts from inline data and a nonce'd script.
    page.goto(f"{base}/")
    expect(page.locator("#chart-levels canvas, #chart-levels svg").first).to_be_attached()
    _assert_clean(page, "overview")

    # The student list: htmx live search (its indicator style needs the nonce too).
    page.goto(f"{base}/registry/students/")
    page.get_by_label("Tìm kiếm").press_sequentially("nguyen van an", delay=20)
    expect(page.get_by_test_id("results").locator("tbody tr")).to_have_count(4)
    _assert_clean(page, "student list")

    # The transfer form: choosing a school reloads the dependent choices (nonce'd script).
    page.goto(f"{base}/registry/students/{live_city.students[0].pk}/transfer/")
    school = page.locator("#id_to_school")
    value = school.locator("option").last.get_attribute("value")
    with page.expect_navigation():
        school.select_option(value)
    expect(page).to_have_url(re.compile(r"to_school=" + value))
    _assert_clean(page, "transfer form")

    # Dashboards with charts and auto-submitting filters (data-autosubmit, behaviours.js).
    for path in ("/identity/", "/infrastructure/", "/lrs/", "/monitoring/", "/monitoring/trends/"):
        page.goto(f"{base}{path}")
        _assert_clean(page, path)
    area = page.goto(f"{base}/infrastructure/") and page.locator("#f-area")
    option = area.locator("option").nth(1).get_attribute("value")
    with page.expect_navigation():
        area.select_option(option)
    expect(page).to_have_url(re.compile(r"area=" + option))
    _assert_clean(page, "infrastructure filter")

    # The language switch is an auto-submitting select in the top bar of every page.
    page.goto(f"{base}/registry/students/")
    page.select_option("#language-select", "en")
    expect(page.get_by_role("heading", name="Students")).to_be_visible()
    page.select_option("#language-select", "vi")
    expect(page.get_by_role("heading", name="Học sinh")).to_be_visible()
    _assert_clean(page, "language switch")


def test_an_inline_script_without_the_nonce_is_refused(live_server, live_city, login, watched):
    """The policy is really enforced: a script injected into the page does not run."""
    page = login("t_teacher")
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
                   document.body.appendChild(s); }"""
    )
    assert page.evaluate("window.__ran === undefined")
    page.wait_for_function("window.__csp.length > 0")  # the event is dispatched asynchronously
    assert any("script-src" in v for v in page.violations())
