"""Every library route with an id, for every role scoped to ward A / school A1 (and the
department): B1's private objects never show. Uses matrix.py like the project-wide test."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import providers

ROLES = (
    "dept_admin",
    "dept_officer",
    "ward_officer",
    "cluster_lead",
    "school_admin",
    "teacher",
    "student",
    "viewer",
)


def library_routes() -> list[URLPattern]:
    library = next(
        p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "library"
    )
    return [p for p in library.url_patterns if isinstance(p, URLPattern) and p.pattern.converters]


def body(resp) -> str:
    data = b"".join(resp.streaming_content) if resp.streaming else resp.content
    return data.decode("utf-8", "ignore")


@pytest.mark.django_db
def test_b1_private_objects_never_reach_other_users(city, client_for):
    objs = providers(city)
    routes = library_routes()
    assert {"resource_detail", "version_download", "collection_detail"} <= {r.name for r in routes}
    for role in ROLES:
        c = client_for(role)
        for route in routes:
            kwargs = {kw: objs[kw][0] if kw in objs else "submit" for kw in route.pattern.converters}
            url = reverse(f"library:{route.name}", kwargs=kwargs)
            for method in ("get", "post"):
                resp = getattr(c, method)(url)
                text = body(resp)
                for _pk, marker in objs.values():
                    assert not marker or marker not in text, (role, route.name, method, resp.status_code)
                assert resp.status_code in (302, 403, 404, 405), (role, route.name, method, resp.status_code)
