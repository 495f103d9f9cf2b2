"""Fuzz the REST API with schemathesis: every operation of /api/v1/openapi.json, as a
department user and as a school principal (each with a bearer token), with a bounded,
derandomised set of examples per operation (valid and invalid inputs).

Asserts that no input produces a server error and that every answer conforms to the
document: a documented status code, the documented body schema and content type, no answer
without authentication. One schemathesis check is left out: "positive data acceptance"
(a schema-valid request must not get a 4xx) — the domain rules refuse much that a schema
cannot describe (a cursor from another list, a personal ID whose checksum is wrong, an
unknown subject code) with a documented 422.

The operations are driven from one test per user rather than through schemathesis's pytest
plugin: one miniature city serves all the examples of a user (building it per operation
would cost more than the fuzzing), every operation's failures are reported together, and the
plugin's lazy schemas (`from_fixture`) do not run on pytest 9.2 (they set `Function._nodeid`).
Half of the valid cases name real records in their path (`known_ids`), so handlers are
reached past their 404. Searches are not throttled here (429 is documented, not fuzzed).
`EDUDX_FUZZ_EXAMPLES` raises the examples per operation for a deeper run by hand."""

from __future__ import annotations

import os
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from edudx.core.roles import Role

EXAMPLES = int(os.environ.get("EDUDX_FUZZ_EXAMPLES", "10"))


def _token_headers(city, role: str) -> dict[str, str]:
    from edudx.accounts.services import token_create

    _token, key = token_create(actor=city.actor_of(role), user=city.users[role], name="fuzz")
    # identity: schemathesis's WSGI transport hands the body over undecoded, and a GET without a
    # query string is gzipped for clients that accept it (edudx/core/compression.py, tested there).
    return {"Authorization": f"Bearer {key}", "Accept-Encoding": "identity"}


def known_ids(city) -> dict[str, list[int]]:
    """Ids of real records for each path parameter: the route matrix's objects of school B1
    (every app provides one per kwarg) and school A1's own, so that valid cases reach records
    the caller may see, not only 404s."""
    from tests.test_route_matrix import collect_providers

    found, _markers = collect_providers(city)
    ids = {name: [value] for name, (value, _marker) in found.items() if isinstance(value, int)}
    a1 = {
        "school_id": city.schools[0].pk,
        "student_id": city.students[0].pk,
        "staff_id": city.staff[0].pk,
        "class_id": city.classes[0].pk,
        "unit_id": city.schools[0].unit.pk,
        "grouping_id": city.cluster.pk,
    }
    for name, value in a1.items():
        ids.setdefault(name, []).append(value)
    return ids


def _with_known_ids(strategy, ids: dict[str, list[int]]):
    """Valid cases whose path ids are, half of the time, those of real records."""

    def swap(case, pick):
        for name in case.path_parameters or {}:
            if pick is not None and name in ids:
                case.path_parameters[name] = ids[name][pick % len(ids[name])]
        return case

    return st.tuples(strategy, st.one_of(st.none(), st.integers(0, 7))).map(lambda pair: swap(*pair))


@contextmanager
def _connection_kept():
    """As Django's test client does: a request must not close the test's database connection
    (PostgreSQL: the test runs inside a transaction, which close_old_connections would end)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _fuzz(headers: dict[str, str], ids: dict[str, list[int]]) -> tuple[Counter, dict[str, str]]:
    """Run every operation; returns (examples per operation, failure text per operation)."""
    with _connection_kept():
        return _fuzz_all(headers, ids)


def _fuzz_all(headers: dict[str, str], ids: dict[str, list[int]]) -> tuple[Counter, dict[str, str]]:
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    counts: Counter = Counter()
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = st.one_of(
            _with_known_ids(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), ids),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        def run(case):
            counts[case.operation.label] += 1
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation is reported
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:3000]
    return counts, failures


@pytest.mark.parametrize("role", [Role.DEPT_ADMIN, Role.SCHOOL_ADMIN], ids=["department", "principal"])
def test_no_server_error_and_answers_as_documented(city, role, settings):
    # Searches are throttled (429, documented); the fuzz lifts the limit to reach the handlers.
    settings.EDUDX_SEARCH_RATES = []
    settings.EDUDX_ID_SEARCH_RATES = []
    counts, failures = _fuzz(_token_headers(city, role), known_ids(city))
    assert len(counts) >= 70, "every operation of the document is exercised"
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
