"""The route × role matrix: every HTML route and every API operation, for every role.

New routes are covered without editing this file: the HTML routes are walked from
`config.urls` (recursively through includes) and the API operations from the NinjaAPI's
OpenAPI document. Path kwargs are filled by `providers(city)` from every
`edudx/<app>/tests/matrix.py`: for each kwarg name, the id of an object private to school B1
(ward B) and a text marker that must never reach a user scoped to school A1 or ward A (a
kwarg that is not an id, e.g. a workflow verb, gets a valid value and an empty marker).
A route whose kwarg has no provider fails the test with a message saying where to add one.

Who is checked against what
---------------------------
* Roles scoped to school A1 or ward A — school_admin, teacher, student, ward_officer,
  viewer — are checked against the providers' B1 objects.
* The cluster lead's cluster spans A1 and B1 in the test city, so B1 objects are legitimately
  visible to them. Rather than asking every app for a second set of objects (B2), the
  cluster lead's run first re-points the cluster to A1 + B2: the same B1 objects are then
  outside the cluster, and the cluster lead is checked against them like the others. (The
  cluster lead seeing B1 through the cluster is tested positively in the registry tests.)
* Department roles see everything; for them every GET must simply not fail (< 500).

Assertions
----------
(a) GET of a route with a foreign object → 403, 404 (or 405 for a POST-only view) — except a
    route public by design (below), which may answer anyone but is still searched for markers;
    POST/PUT/PATCH/DELETE with a plausible body → 403/404/405/422, and nothing written: the
    history count is unchanged after each request, and no row of any edudx table that
    existed before the role's run (the foreign objects included) is changed or deleted.
    API create operations without a path kwarg are also written to, when their body refers
    to a foreign object (e.g. `{"school": <B1>}`); HTML create forms are not (their bodies
    are not described anywhere this test can read).
(b) No response to a scoped role — list pages included — contains a foreign marker
    (JSON is decoded, HTML unescaped and XLSX/zip exports unpacked before searching).
(c) The ward officer's school list (HTML and API) holds exactly the schools of ward A.
(d) Anonymous users are redirected to the login page (HTML) or get 401 (API; or an HTML-side
    protocol endpoint with its own authentication) everywhere except the login/logout pages,
    the API docs and OpenAPI document, and routes an app declares public by design in
    `PUBLIC_ROUTES = {"app:name": "why"}` of its tests/matrix.py (still checked for markers).
"""

from __future__ import annotations

import html
import importlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from edudx.core.roles import Role

SKIP_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/", "__debug__/")
ANONYMOUS_ALLOWED = {"accounts:login", "accounts:logout"}
SCOPED_ROLES = {
    Role.SCHOOL_ADMIN,
    Role.TEACHER,
    Role.STUDENT,
    Role.WARD_OFFICER,
    Role.VIEWER,
    Role.CLUSTER_LEAD,
}
GET_REFUSED = {403, 404, 405}
WRITE_REFUSED = {403, 404, 405, 422}
# Body field names that refer to another object, and the provider kwarg that fills them.
BODY_ALIASES = {
    "parent": "unit_id",
    "new_parent": "unit_id",
    "to_class": "class_id",
    "school_class": "class_id",
    "homeroom_teacher": "staff_id",
}
KWARG = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
API_KWARG = re.compile(r"{(?P<name>\w+)}")


# ----------------------------------------------------------------- discovery
@dataclass
class Route:
    kind: str  # "html" or "api"
    name: str  # "ns:name" or "METHOD /api/v1/…"
    template: str  # path with placeholders
    kwargs: list[str]
    methods: list[str] = field(default_factory=list)  # api only
    body_schema: dict | None = None  # api only

    def url(self, providers: dict[str, tuple[int, str]]) -> str:
        if self.kind == "html":
            return "/" + KWARG.sub(lambda m: str(providers[m["name"]][0]), self.template)
        return API_KWARG.sub(lambda m: str(providers[m["name"]][0]), self.template)


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    out: list[Route] = []
    for p in patterns:
        piece = str(p.pattern)
        if isinstance(p, URLResolver):
            full = prefix + piece
            if full.startswith(SKIP_PREFIXES) or piece.startswith("^"):
                continue
            ns = ":".join(x for x in (namespace, p.namespace) if x)
            out.extend(_walk(p.url_patterns, full, ns))
        elif isinstance(p, URLPattern):
            full = prefix + piece
            if full.startswith(SKIP_PREFIXES):
                continue
            if piece.startswith("^") or full.startswith("^"):
                raise AssertionError(f"regex route {full!r} cannot be walked; use path() with <int:…_id>")
            name = f"{namespace}:{p.name}" if namespace else (p.name or full)
            out.append(Route("html", name, full, [m["name"] for m in KWARG.finditer(full)]))
    return out


def html_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def api_routes() -> list[Route]:
    from config.api import api

    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    out = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            body = None
            rb = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if rb:
                body = {"schema": rb, "components": components}
            out.append(
                Route(
                    "api",
                    f"{method.upper()} {path}",
                    path,
                    [m["name"] for m in API_KWARG.finditer(path)],
                    [method.upper()],
                    body,
                )
            )
    return out


def public_routes() -> dict[str, str]:
    """Routes an app declares open to anonymous callers (protocol endpoints such as OAI-PMH,
    LTI or an xAPI `about`): `PUBLIC_ROUTES = {"app:name": "why it is public"}` in the app's
    tests/matrix.py. They must still never show a foreign marker."""
    out: dict[str, str] = {}
    for config in apps.get_app_configs():
        module = f"{config.name}.tests.matrix"
        if not config.name.startswith("edudx.") or find_spec(f"{config.name}.tests") is None:
            continue
        if find_spec(module) is not None:
            out.update(getattr(importlib.import_module(module), "PUBLIC_ROUTES", {}))
    return out


def collect_providers(city) -> tuple[dict[str, tuple[Any, str]], dict[str, str]]:
    """(kwarg -> (value, marker), label -> marker). Two apps may provide the same kwarg (e.g.
    `school_id`) if they point at the same object; every app's marker is searched for."""
    found: dict[str, tuple[Any, str]] = {}
    markers: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("edudx."):
            continue
        module = f"{config.name}.tests.matrix"
        if find_spec(f"{config.name}.tests") is None or find_spec(module) is None:
            continue
        for kwarg, (value, marker) in importlib.import_module(module).providers(city).items():
            if kwarg in found and found[kwarg][0] != value:
                pytest.fail(
                    f"{config.label} provides {kwarg!r} = {value!r}, another app {found[kwarg][0]!r}: "
                    "a kwarg name means one kind of object everywhere; use the same object or rename the kwarg",
                    pytrace=False,
                )
            found.setdefault(kwarg, (value, marker))
            if marker:
                markers[f"{config.label}:{kwarg}"] = marker
    return found, markers


def require_providers(routes: list[Route], providers: dict) -> None:
    missing = sorted({(k, r.name) for r in routes for k in r.kwargs if k not in providers})
    if missing:
        lines = "\n".join(f"  {kwarg!r} used by {name}" for kwarg, name in missing)
        pytest.fail(
            "Routes with path kwargs that no tests/matrix.py provides:\n"
            f"{lines}\n"
            "Add `providers(city) -> {kwarg: (id, marker)}` to edudx/<app>/tests/matrix.py of the app "
            "that owns the route: the id of an object private to school B1 of the test city (ward B) "
            "and a text that must never appear in a response to a user of school A1 or ward A. "
            "A kwarg that is not an id (a verb such as `step`) gets a valid value and an empty marker: "
            '`"step": ("submit", "")`.',
            pytrace=False,
        )


# ----------------------------------------------------------------- bodies and text
def _plausible(schema: dict, components: dict, providers: dict, name: str = "") -> Any:
    if "$ref" in schema:
        return _plausible(components[schema["$ref"].split("/")[-1]], components, providers, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _plausible(options[0], components, providers, name) if options else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {
            prop: _plausible(sub, components, providers, prop)
            for prop, sub in schema.get("properties", {}).items()
        }
    kwarg = BODY_ALIASES.get(name, f"{name}_id")
    if kind == "integer":
        return providers[kwarg][0] if kwarg in providers else 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if schema.get("format") == "date":
        return "2025-10-01"
    if schema.get("format") == "date-time":
        return "2030-10-01T00:00:00Z"
    if "enum" in schema:
        return schema["enum"][0]
    return "Matrix"


def _refers_to_foreign(body: Any, schema: dict, components: dict, providers: dict) -> bool:
    if "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    names = schema.get("properties", {})
    return any(BODY_ALIASES.get(n, f"{n}_id") in providers for n in names)


HTML_BODY_KEYS = {
    "name": "Matrix",
    "full_name": "Matrix Person",
    "role": "teacher",
    "status": "thoi_hoc",
    "on": "2025-10-01",
    "date": "2025-10-01",
    "note": "matrix",
}


def _html_body(providers: dict, city) -> dict:
    body = dict(HTML_BODY_KEYS)
    body["unit"] = city.schools[0].unit.pk
    body["new_parent"] = city.wards[0].pk
    for kwarg, (pk, _marker) in providers.items():
        body[kwarg.removesuffix("_id")] = pk
    body["to_class"] = providers.get("class_id", (0, ""))[0]
    return body


def _text(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":  # XLSX / ODS / zip export: search the XML parts
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                return " ".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
        except zipfile.BadZipFile:
            pass
    text = raw.decode("utf-8", "ignore")
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return html.unescape(text)


def _leaks(response, markers: dict[str, str]) -> list[str]:
    text = _text(response)
    return [f"{label} marker {m!r}" for label, m in markers.items() if m in text]


def _fingerprint() -> dict[str, dict[Any, str]]:
    """Every row of every edudx table, as text, by primary key."""
    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("edudx.") or model._meta.proxy or getattr(model, "derived", False):
            continue
        out[model._meta.label] = {row[0]: repr(row) for row in model.objects.order_by("pk").values_list()}
    return out


def _changed_rows(before: dict[str, dict[Any, str]], after: dict[str, dict[Any, str]]) -> list[str]:
    """Rows that existed before and were changed or deleted. (A row added without a history
    entry — a lazily created signing key, a cache — is not a write to someone else's data;
    every service write records history, which is counted after each request.)"""
    return [
        f"{label} pk={pk}"
        for label, rows in before.items()
        for pk, text in rows.items()
        if after.get(label, {}).get(pk) != text
    ]


def _history_count() -> int:
    from edudx.core.models import HistoryEntry

    return HistoryEntry.objects.count()


def _send(client: Client, method: str, url: str, body: Any = None, *, api: bool):
    fn = getattr(client, method.lower())
    if method == "GET":
        return fn(url)
    if api:
        return fn(url, data=json.dumps(body if body is not None else {}), content_type="application/json")
    return fn(url, data=body or {})


# ----------------------------------------------------------------- the matrix
def _login(city, role: str) -> Client:
    c = Client()
    c.force_login(city.users[role])
    return c


def _isolate_cluster_lead(city) -> None:
    from edudx.core.actor import Actor
    from edudx.orgs import services as orgs

    orgs.grouping_set_members(
        actor=Actor.system(source="test"),
        grouping=city.cluster,
        units=[city.schools[0].unit, city.schools[3].unit],
    )


@pytest.mark.django_db
def test_every_route_kwarg_has_a_provider(city):
    require_providers(html_routes() + api_routes(), collect_providers(city)[0])


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(SCOPED_ROLES))
def test_scoped_role_cannot_read_or_write_foreign_objects(role, city):
    routes = html_routes() + api_routes()
    providers, markers = collect_providers(city)
    require_providers(routes, providers)
    if role == Role.CLUSTER_LEAD:
        _isolate_cluster_lead(city)
    client = _login(city, role)
    html_body = _html_body(providers, city)
    problems: list[str] = []
    before = _fingerprint()

    def check(route: Route, method: str, body: Any, allowed: set[int] | None) -> None:
        url = route.url(providers)
        n = _history_count()
        response = _send(client, method, url, body, api=route.kind == "api")
        where = f"{role} {method} {url} ({route.name})"
        if response.status_code >= 500:
            problems.append(f"{where}: server error {response.status_code}")
        if allowed is not None and response.status_code not in allowed:
            problems.append(f"{where}: status {response.status_code}, expected one of {sorted(allowed)}")
        if _history_count() != n:
            problems.append(f"{where}: wrote a history entry")
        problems.extend(f"{where}: leaks {leak}" for leak in _leaks(response, markers))

    public = public_routes()
    for route in routes:
        foreign = bool(route.kwargs)
        if route.kind == "html":
            # A page public by design (published open data, a protocol endpoint) answers anyone;
            # it is still searched for markers, and a write to it must still be refused.
            check(route, "GET", None, GET_REFUSED if foreign and route.name not in public else None)
            if foreign:
                # A protocol endpoint with its own authentication (a bearer token) refuses with 401.
                check(
                    route, "POST", html_body, WRITE_REFUSED | {401} if route.name in public else WRITE_REFUSED
                )
            continue
        method = route.methods[0]
        if method == "GET":
            check(route, "GET", None, GET_REFUSED if foreign else None)
            continue
        body = None
        if route.body_schema:
            s, comps = route.body_schema["schema"], route.body_schema["components"]
            body = _plausible(s, comps, providers)
            if not foreign and not _refers_to_foreign(body, s, comps, providers):
                continue  # a create with nothing foreign in it may legitimately succeed
        elif not foreign:
            continue
        check(route, method, body, WRITE_REFUSED)

    changed = _changed_rows(before, _fingerprint())
    assert not changed, f"{role}: rows changed or deleted during the run: {changed[:20]}"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DEPT_ADMIN, Role.DEPT_OFFICER])
def test_department_roles_can_open_every_route(role, city):
    routes = html_routes() + api_routes()
    providers, _markers = collect_providers(city)
    require_providers(routes, providers)
    client = _login(city, role)
    failures = []
    for route in routes:
        if route.kind == "api" and route.methods[0] != "GET":
            continue
        url = route.url(providers)
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"{role} GET {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_or_refused(city):
    routes = html_routes() + api_routes()
    providers, markers = collect_providers(city)
    require_providers(routes, providers)
    public = public_routes()
    client = Client()
    failures = []
    for route in routes:
        url = route.url(providers)
        if route.kind == "html":
            if route.name in ANONYMOUS_ALLOWED:
                continue
            for method in ("GET", "POST"):
                response = _send(client, method, url, {}, api=False)
                where = f"anonymous {method} {url} ({route.name})"
                failures.extend(f"{where}: leaks {leak}" for leak in _leaks(response, markers))
                if route.name in public:
                    if response.status_code >= 500:
                        failures.append(f"{where}: server error {response.status_code}")
                    continue
                location = response.get("Location", "")
                to_login = response.status_code == 302 and location.startswith("/accounts/login/")
                # 401: a protocol endpoint with its own authentication (e.g. xAPI Basic auth).
                if not (to_login or response.status_code == 401):
                    failures.append(f"{where}: {response.status_code} {location}")
        else:
            method = route.methods[0]
            response = _send(client, method, url, {}, api=True)
            if response.status_code != 401:
                failures.append(f"anonymous {method} {url}: {response.status_code}")
            elif response.json()["error"]["code"] != "not_authenticated":
                failures.append(f"anonymous {method} {url}: body {response.content[:200]!r}")
    if failures:
        failures.append(
            "An HTML route must send anonymous users to the login page (or answer 401 if it has its "
            "own authentication). A route that is public by design is declared in its app's "
            'tests/matrix.py: PUBLIC_ROUTES = {"app:name": "why"}.'
        )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_may_open_login_and_the_api_docs(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "swagger-ui-bundle.js" in page
    external = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", page)
    assert external == [], f"the API docs load assets from another origin: {external}"


@pytest.mark.django_db
def test_ward_officer_sees_exactly_the_schools_of_their_ward(city):
    from django.urls import reverse

    client = _login(city, Role.WARD_OFFICER)
    ward_a = {s.pk for s in city.schools[:2]}
    response = client.get("/api/v1/registry/schools", {"limit": 500})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["items"]} == ward_a

    url = reverse("registry:school_list")
    page = _text(client.get(url))
    for school in city.schools[:2]:
        assert school.unit.name in page
    for school in city.schools[2:]:
        assert school.unit.name not in page
        assert school.moet_code not in page
