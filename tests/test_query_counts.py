"""Query counts pinned on every list and dashboard (issue #21 item 3): a page's number of
queries does not grow with its rows (no N+1) — each is pinned at what the miniature city
needs today, per role that opens it; a page that starts querying per row fails here.

The mini city has several rows per list (students, classes, schools, devices), so a per-row
query shows as several extra queries above the pin.
"""

import pytest
from django.urls import reverse

# (url name, query string) -> {role: max queries}
PAGES: dict[tuple[str, str], dict[str, int]] = {}


def _pin(name: str, query: str = "", **per_role: int) -> None:
    PAGES[(name, query)] = per_role


# fmt: off
# home carries the role's dashboard (edudx/web/dashboards): each panel reads another app's
# maintained figures (state, figures, the scope's schools); a school without results has empty
# figures stored, not recounted per read. Counts + 2 (a first read in a process counts once).
_pin("web:home", dept_admin=35, dept_officer=35, ward_officer=34, cluster_lead=34, school_admin=39, teacher=12, student=8, viewer=33)
_pin("registry:student_list", dept_admin=8, dept_officer=8, ward_officer=7, school_admin=7, teacher=7, student=6)
# a broad name: FTS5 is asked how many rows the whole word and the prefix match (the plan), the
# page's ids first, then its rows; the capped count plans again (the probes run twice: a memo
# per request would save two cheap queries)
_pin("registry:student_list", "?q=nguyen", dept_admin=12, dept_officer=12, ward_officer=11, school_admin=11, teacher=11, student=10)
_pin("registry:staff_list", dept_admin=7, dept_officer=7, ward_officer=6, school_admin=6, teacher=6)
# +1 for a scope short of the whole city: its schools' ids first (registry.selectors.class_list: a ward reads its schools' classes by the unique index)
_pin("registry:class_list", dept_admin=9, dept_officer=9, ward_officer=9, cluster_lead=10, school_admin=9, teacher=9, student=6, viewer=9)
_pin("registry:school_list", dept_admin=10, dept_officer=10, ward_officer=7, cluster_lead=8, school_admin=8, teacher=7, student=3, viewer=7)
_pin("library:resource_list", dept_admin=8, dept_officer=8, ward_officer=8, cluster_lead=9, school_admin=8, teacher=8, student=8, viewer=8)
_pin("library:resource_search", "?q=phan+so", dept_admin=10, dept_officer=10, ward_officer=10, cluster_lead=11, school_admin=10, teacher=10, student=10, viewer=10)
_pin("monitoring:index", dept_admin=7, dept_officer=7, ward_officer=6, cluster_lead=5, school_admin=5, teacher=4, viewer=4)
_pin("infrastructure:dashboard", dept_admin=17, dept_officer=17, ward_officer=16, cluster_lead=17, school_admin=16, teacher=16, viewer=16)
_pin("infrastructure:device_list", dept_admin=6, dept_officer=6, ward_officer=5, cluster_lead=6, school_admin=5, teacher=5, viewer=5)
_pin("infrastructure:gaps", dept_admin=11, dept_officer=11, ward_officer=10, cluster_lead=11, school_admin=10, teacher=10, viewer=10)  # +1 on a second view: the readiness memo (aggregates.derived) is keyed by the state the first view created
_pin("lrs:dashboard", dept_admin=7, dept_officer=7, ward_officer=6, school_admin=6, viewer=6)
_pin("identity:dashboard", dept_admin=11, dept_officer=11, ward_officer=9, school_admin=10, teacher=9)  # maintained counts: the scope's schools, the state, the figures, pending notes
_pin("ingest:run_list", dept_admin=6, dept_officer=6, school_admin=5)
_pin("exports:job_list", dept_admin=5, dept_officer=5, ward_officer=5, cluster_lead=6, school_admin=5, teacher=5, student=5, viewer=5)
_pin("orgs:unit_tree", dept_admin=5, dept_officer=5, ward_officer=4, cluster_lead=5, school_admin=4, teacher=4, student=3, viewer=4)
# Dashboards of the apps built this season (issue #21: "every later dashboard"), pinned at today's
# count + 2 while their owners still work on them — a query per row (per school, per ward of the
# mini city) still shows above that.
_pin("skills:coverage", dept_admin=11, dept_officer=11, ward_officer=10, school_admin=10)
_pin("skills:heatmap", dept_admin=6, dept_officer=6, ward_officer=6, school_admin=6)
_pin("learning:course_list", dept_admin=7, dept_officer=7, ward_officer=6, school_admin=6, teacher=6)
_pin("learning:activity", dept_admin=10, dept_officer=10, ward_officer=9, school_admin=9)
_pin("quality:queue", dept_admin=7, dept_officer=7)
_pin("partners:usage", dept_admin=8, dept_officer=8)
_pin("opendata:catalogue", dept_admin=7, dept_officer=7, ward_officer=7, school_admin=7, teacher=7, student=7, viewer=7)
_pin("monitoring:trends", dept_admin=7, dept_officer=7, ward_officer=6, school_admin=6)
_pin("monitoring:review_queue", dept_admin=7, dept_officer=7, ward_officer=6)
# fmt: on

# The name search asks the index how many match before choosing its plan (core.search.names), on
# both databases. PostgreSQL runs a fixed few more (not per row): the library counts its facets
# through the ORM where SQLite reads them in the index walk.
POSTGRES_EXTRA = {
    ("library:resource_list", ""): 2,
    ("library:resource_search", "?q=phan+so"): 1,
}


@pytest.fixture
def furnished(city):
    """Rows on every list: the infrastructure equipment of the ward officers' schools."""
    from edudx.infrastructure.tests.conftest import equipped

    return equipped.__wrapped__(city)


CASES = [(name, query, role, n) for (name, query), roles in PAGES.items() for role, n in roles.items()]


@pytest.mark.parametrize(
    ("name", "query", "role", "limit"), CASES, ids=[f"{c[0]}{c[1]}-{c[2]}" for c in CASES]
)
def test_the_page_runs_a_bounded_number_of_queries(
    client_for, furnished, django_assert_max_num_queries, name, query, role, limit
):
    from django.db import connection

    if connection.vendor == "postgresql":
        limit += POSTGRES_EXTRA.get((name, query), 0)
    c = client_for(role)
    url = reverse(name) + query
    c.get(url)  # first view: per-process caches (thresholds, navigation) fill
    with django_assert_max_num_queries(limit):
        r = c.get(url)
    assert r.status_code == 200
