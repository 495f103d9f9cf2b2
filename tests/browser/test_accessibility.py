"""WCAG 2.1 AA, checked by axe-core in Chromium on every page a signed-in user reaches.

The pages are found the way the route matrix finds them: every HTML route without a path
argument, walked from `config.urls`, plus the detail pages the lists link to (the first link
in a table that leads to another page of the same app). The department's pages are checked
at desktop width and at a phone's 390 px; a principal's and a teacher's at desktop width. axe-core comes from npm (package-lock.json) and is injected from
node_modules: it is never served by the platform.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import Error as PlaywrightError

from edudx.core.roles import Role

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SKIP_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/", "lrs/xapi/", "lrs/oauth/")
# Routes that are not pages: downloads, protocol endpoints, htmx fragments, POST-only actions.
NOT_A_PAGE = re.compile(
    r"(export|download|template|oai|lti|jwks|login|logout|cartridge|qr|label|\.json|partial|"
    r"suggest|autosave|report|pdf|xlsx|csv|set_language)",
    re.I,
)
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _page_routes() -> list[str]:
    out: list[str] = []

    def walk(patterns, prefix="", ns=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                new_ns = ns
                if p.namespace:
                    new_ns = f"{ns}:{p.namespace}" if ns else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), new_ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<" in route or not p.name or route.startswith(SKIP_PREFIXES):
                    continue
                name = f"{ns}:{p.name}" if ns else p.name
                if NOT_A_PAGE.search(route) or NOT_A_PAGE.search(name):
                    continue
                out.append(name)

    walk(get_resolver().url_patterns)
    return sorted(set(out))


def _violations(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):  # once per page load, not per width
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    lines = []
    for v in result["violations"]:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:6])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return lines


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as an inline script; the platform's Content-Security-Policy rightly
    # refuses inline scripts, so the test context bypasses it (the pages' own code does not).
    return {**browser_context_args, "bypass_csp": True}


# The department sees every page, at both widths, and the detail pages its lists link to;
# a principal and a teacher see their own versions of the pages at desktop width.
CASES = [
    (Role.DEPT_ADMIN, ("desktop", "phone"), True),
    (Role.SCHOOL_ADMIN, ("desktop",), False),
    (Role.TEACHER, ("desktop",), False),
]


def _first_detail_link(page, base: str) -> str | None:
    """The first link inside a table of the page that leads to another page of the same app."""
    prefix = "/" + base.strip("/").split("/")[0] + "/"
    for href in page.eval_on_selector_all(
        "main table a[href]", "els => els.map(e => e.getAttribute('href'))"
    ):
        if (
            href
            and href.startswith(prefix)
            and href.rstrip("/") != base.rstrip("/")
            and not NOT_A_PAGE.search(href)
        ):
            return href
    return None


@pytest.mark.parametrize(("role", "widths", "details"), CASES, ids=[str(c[0]) for c in CASES])
def test_every_page_meets_wcag_21_aa(live_server, live_city, login, page, role, widths, details):
    page = login(live_city.users[role].username)
    failures: dict[str, list[str]] = {}
    visited: list[str] = []

    def check(path: str, labels: tuple[str, ...]) -> bool:
        """One load of the page, then axe at each width: a resize re-lays the page out by its
        media queries, as a phone would show it (a second load per width only cost time)."""
        first = WIDTHS[labels[0]]
        page.set_viewport_size({"width": first[0], "height": first[1]})
        try:
            response = page.goto(live_server.url + path)
        except PlaywrightError:  # a download, not a page
            return False
        if (
            response is None
            or response.status >= 400
            or "text/html" not in response.headers.get("content-type", "")
        ):
            return False  # not this role's page, or not a page (the matrix test covers both)
        visited.append(path)
        for label in labels:
            size = WIDTHS[label]
            page.set_viewport_size({"width": size[0], "height": size[1]})
            found = _violations(page)
            if found:
                failures[f"{path} [{label}]"] = found
        return True

    for name in _page_routes():
        path = reverse(name)
        if check(path, widths) and details:
            detail = _first_detail_link(page, path)
            if detail and detail not in visited:
                check(detail, ("desktop",))
    assert len(visited) >= 10, f"only {len(visited)} pages reached: the walk found no pages"
    assert not failures, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in failures.items())
