"""Every HTML page the department can open carries the Content-Security-Policy and nothing it
would block: inline <script>/<style> elements carry the response's nonce, and no element has an
inline event handler (onclick=…). Routes are found as the route × role matrix finds them, with
its objects for the URL's ids; the browser test (tests/browser/test_csp.py) watches the pages
that run scripts for violations."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from test_route_matrix import collect_providers, html_routes

from edudx.core.roles import Role

INLINE_ELEMENT = re.compile(
    r"<(script|style)\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


@pytest.mark.django_db
def test_every_html_page_has_the_policy_and_nothing_it_would_block(city):
    providers, _markers = collect_providers(city)
    client = Client()
    client.force_login(city.users[Role.DEPT_ADMIN])
    problems, pages = [], 0
    for route in html_routes():
        try:
            url = route.url(providers)
        except KeyError:
            continue  # the matrix test names routes lacking a provider
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.streaming:
            continue
        pages += 1
        html = response.content.decode()
        header = response.get("Content-Security-Policy", "")
        if "script-src" not in header or "'unsafe-inline'" in header.split("script-src")[1].split(";")[0]:
            problems.append(f"{url}: policy {header!r}")
            continue
        nonce = re.search(r"'nonce-([^']+)'", header)
        for tag in INLINE_ELEMENT.finditer(html):
            if not nonce or f'nonce="{nonce.group(1)}"' not in tag.group(0):
                problems.append(f"{url}: {tag.group(0)[:80]} without the nonce")
        for handler in HANDLER.finditer(html):
            problems.append(f"{url}: inline handler {handler.group(0)[-60:]}")
    assert pages >= 30, f"only {pages} pages opened: the walk found too few routes"
    assert not problems, "\n".join(problems)
