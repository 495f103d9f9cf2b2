"""A Content-Security-Policy on every page: scripts need our origin or the response's nonce,
no inline handler is left; the xAPI lean path gets a fixed policy of its own."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from edudx.core.roles import Role

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d for d in (p.strip() for p in header.split(";")) if d}


@pytest.mark.parametrize("path", ["/", "/registry/students/", "/accounts/password/", "/identity/"])
def test_every_page_has_a_csp_whose_scripts_need_our_origin_or_the_nonce(city, client_for, path):
    response = client_for(Role.SCHOOL_ADMIN).get(path)
    assert response.status_code == 200
    policy = _csp(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    html = response.content.decode()
    # Every inline script carries this response's nonce; no inline event handler is left.
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"])
    for tag in re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html):
        assert nonce and f'nonce="{nonce.group(1)}"' in tag, tag
    assert not re.search(r"\son(click|change|submit|load|input)=", html)


def test_the_login_page_has_the_policy_too():
    response = Client().get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_lean_xapi_path_gets_a_fixed_policy(db):
    response = Client().get("/lrs/xapi/about")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
