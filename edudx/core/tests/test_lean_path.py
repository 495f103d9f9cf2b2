"""core.middleware.LeanPathMiddleware: paths under LEAN_PATH_PREFIXES skip sessions, auth and
the rest of the site's stack but keep its security headers; every other path is unchanged."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.http import JsonResponse
from django.test import override_settings
from django.urls import path
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt


def probe(request):
    return JsonResponse(
        {
            "has_user": hasattr(request, "user"),
            "has_session": hasattr(request, "session"),
            "has_scope": hasattr(request, "scope"),
            "language": translation.get_language(),
            "route": request.resolver_match.route if request.resolver_match else None,
        }
    )


@xframe_options_exempt
def embeddable(request):
    return JsonResponse({})


urlpatterns = [
    path("machine/probe", probe),
    path("machine/embeddable", embeddable),
    path("page/probe", probe),
]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("lean_urls"),
]


@pytest.fixture
def lean_urls():
    with override_settings(ROOT_URLCONF=__name__, LEAN_PATH_PREFIXES=["/machine/"]):
        yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_lean_path_reaches_its_view_without_session_user_or_scope(client):
    resp = client.get("/machine/probe")
    assert resp.status_code == 200
    body = resp.json()
    assert (body["has_user"], body["has_session"], body["has_scope"]) == (False, False, False)
    assert body["route"] == "machine/probe"
    assert "Set-Cookie" not in resp.headers and "Vary" not in resp.headers


def test_a_lean_path_keeps_the_security_headers(client):
    resp = client.get("/machine/probe")
    assert resp["X-Content-Type-Options"] == "nosniff"
    assert resp["Referrer-Policy"] == "same-origin"
    assert resp["Cross-Origin-Opener-Policy"] == "same-origin"
    assert resp["X-Frame-Options"] == "DENY"
    assert resp["Content-Length"] == str(len(resp.content))
    assert "X-Frame-Options" not in client.get("/machine/embeddable").headers


def test_other_paths_still_get_the_whole_stack(client):
    body = client.get("/page/probe").json()
    assert (body["has_user"], body["has_session"], body["has_scope"]) == (True, True, True)


def test_a_lean_path_speaks_the_platform_language_whatever_came_before(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # The full stack follows the language cookie (and leaves it active in the thread) ...
    assert client.get("/page/probe").json()["language"] == "en"
    # ... a lean path neither reads the cookie nor inherits the thread's language.
    assert client.get("/machine/probe").json()["language"] == settings.LANGUAGE_CODE


def test_an_unknown_path_under_a_lean_prefix_is_a_404(client):
    assert client.get("/machine/nothing").status_code == 404
