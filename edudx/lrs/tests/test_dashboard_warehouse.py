"""The learning dashboard and the LRS indicator read DuckDB over the warehouse's Parquet
snapshot of the statements: voided and voiding statements left out, scope respected,
courses named, the snapshot kept current."""

from __future__ import annotations

import json

import pytest

from edudx.core import warehouse
from edudx.lrs import indicators, selectors, services
from edudx.lrs import warehouse as lrs_warehouse

from .conftest import stmt, uid

pytestmark = pytest.mark.django_db

COURSE = "https://edudx.example/courses/toan-6"


def in_course(**over):
    s = stmt(**over)
    s["context"] = {
        "contextActivities": {
            "grouping": [
                {"id": COURSE, "definition": {"name": {"vi": "Toán 6 trực tuyến", "en-US": "Maths 6"}}}
            ]
        }
    }
    return s


def summary(*, scope):
    """The dashboard's read, after the refresh the dashboard runs first."""
    services.analytics_refresh()
    return selectors.statement_summary(scope=scope)


def record(city, statement, unit=None):
    return services.statement_record(
        actor=city.actor_of("teacher"), statement=statement, unit=unit or city.schools[0].unit
    )


def test_voided_and_voiding_statements_are_left_out(city):
    kept = record(city, stmt(actor={"mbox": "mailto:kept@x.vn"}))
    gone = record(city, stmt(actor={"mbox": "mailto:gone@x.vn"}))
    assert kept
    dept = city.scope_of("dept_admin")
    assert summary(scope=dept)["totals"]["statements"] == 2
    record(
        city,
        {
            "actor": {"mbox": "mailto:teacher@x.vn"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": gone},
        },
    )
    totals = summary(scope=dept)["totals"]
    assert totals["statements"] == 1 and totals["learners"] == 1


def test_a_voiding_statement_that_arrives_first_keeps_its_target_out(city):
    dept = city.scope_of("dept_admin")
    target = uid()
    record(city, stmt(actor={"mbox": "mailto:other@x.vn"}))
    record(
        city,
        {
            "actor": {"mbox": "mailto:teacher@x.vn"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target},
        },
    )
    assert summary(scope=dept)["totals"]["statements"] == 1  # exported: part 1
    record(city, stmt(id=target, actor={"mbox": "mailto:late@x.vn"}))  # part 2: already voided
    totals = summary(scope=dept)["totals"]
    assert totals["statements"] == 1 and totals["learners"] == 1


def test_scope_limits_every_figure(city):
    a1, b1 = city.schools[0].unit, city.schools[2].unit
    record(city, stmt(actor={"mbox": "mailto:a@x.vn"}), a1)
    record(city, stmt(actor={"mbox": "mailto:b@x.vn"}), b1)
    ward_a = summary(scope=city.scope_of("ward_officer"))
    assert ward_a["totals"]["learners"] == 1
    assert [r["unit_path"] for r in ward_a["by_unit"]] == [a1.path]
    dept = summary(scope=city.scope_of("dept_admin"))
    assert dept["totals"]["learners"] == 2


def test_courses_weeks_and_scores(city):
    s1 = in_course(actor={"mbox": "mailto:a@x.vn"})
    s1["result"] = {"score": {"scaled": 0.8}, "completion": True}
    s2 = in_course(actor={"mbox": "mailto:b@x.vn"})
    s2["result"] = {"score": {"scaled": 0.4}}
    s2["verb"] = {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}}
    s2["timestamp"] = "2026-09-07T08:00:00Z"
    s1["timestamp"] = "2026-09-14T08:00:00Z"
    record(city, s1)
    record(city, s2)
    record(city, stmt(actor={"mbox": "mailto:c@x.vn"}, timestamp="2026-09-14T09:00:00Z"))  # no course
    out = summary(scope=city.scope_of("dept_admin"))
    (course,) = out["by_course"]
    assert course["course_iri"] == COURSE and course["name"] == "Toán 6 trực tuyến"
    assert course["learners"] == 2 and course["completions"] == 1
    assert course["mean_score"] == pytest.approx(0.6)
    weeks = [(r["week"].isoformat(), r["learners"]) for r in out["by_week"]]
    assert weeks == [("2026-09-07", 1), ("2026-09-14", 2)]
    assert out["totals"]["courses"] == 1 and out["totals"]["completions"] == 2


def test_snapshot_is_appended_not_rewritten(city):
    dept = city.scope_of("dept_admin")
    record(city, stmt(actor={"mbox": "mailto:a@x.vn"}))
    assert summary(scope=dept)["totals"]["statements"] == 1
    record(city, stmt(actor={"mbox": "mailto:b@x.vn"}))
    out = summary(scope=dept)
    assert out["totals"]["statements"] == 2 and out["freshness"].up_to_date
    parts = json.loads((warehouse.directory(lrs_warehouse.NAME) / warehouse.MANIFEST).read_text())["parts"]
    assert [p["rows"] for p in parts] == [1, 1]


def test_a_large_backlog_goes_to_the_background_task(city, monkeypatch, settings):
    from django_tasks import default_task_backend

    from edudx.lrs import tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    monkeypatch.setattr(services, "INLINE_REFRESH_ROWS", 0)
    record(city, stmt())
    out = summary(scope=city.scope_of("dept_admin"))
    assert [r.task.name for r in default_task_backend.results] == ["warehouse_refresh"]
    assert out["totals"]["statements"] == 0 and not out["freshness"].up_to_date
    tasks.warehouse_refresh.call()
    assert summary(scope=city.scope_of("dept_admin"))["freshness"].up_to_date


def test_dashboard_page_draws_the_weekly_chart_and_lists_courses(city, client_for):
    record(city, in_course(timestamp="2026-09-14T08:00:00Z"))
    resp = client_for("dept_officer").get("/lrs/dashboard/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="chart-weeks"' in html and "echarts.min.js" in html
    chart = resp.context["chart"]
    assert chart["weeks"] == ["14/09/2026"] and chart["learners"] == [1]
    assert "Toán 6 trực tuyến" in html


def test_active_learners_indicator_counts_per_school(city):
    a1, a2, b1 = city.schools[0], city.schools[1], city.schools[2]
    record(city, stmt(actor={"mbox": "mailto:a@x.vn"}), a1.unit)
    record(city, stmt(actor={"mbox": "mailto:a@x.vn"}), a1.unit)
    record(city, stmt(actor={"mbox": "mailto:b@x.vn"}), a1.unit)
    record(city, stmt(actor={"mbox": "mailto:c@x.vn"}), b1.unit)
    got = indicators.active_learners_30d([a1.pk, a2.pk, b1.pk])
    assert got == {a1.pk: 2, a2.pk: 0, b1.pk: 1}


def test_statement_id_column_matches_the_void_target(city):
    sid = uid()
    record(city, stmt(id=sid))
    frame = lrs_warehouse.fetch(0, 10)
    assert frame["statement_id"].to_list() == [sid.replace("-", "")]
    assert frame.schema["stored"] == lrs_warehouse.SCHEMA["stored"]


def test_warehouse_command_refreshes_and_reports(city):
    from io import StringIO

    from django.core.management import call_command

    record(city, stmt())
    out = StringIO()
    call_command("warehouse", "refresh", "lrs_statements", stdout=out)
    assert "lrs_statements: 1 rows appended" in out.getvalue()
    out = StringIO()
    call_command("warehouse", "status", stdout=out)
    assert "lrs_statements: warehouse at id" in out.getvalue() and "up to date" in out.getvalue()


def test_the_summary_selector_only_reads(city, settings):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    record(city, stmt())
    before = warehouse.freshness(lrs_warehouse.NAME)
    out = selectors.statement_summary(scope=city.scope_of("dept_admin"))
    assert out["totals"]["statements"] == 0 and not out["freshness"].up_to_date
    assert warehouse.freshness(lrs_warehouse.NAME) == before
    assert default_task_backend.results == []


def test_dashboard_says_when_its_figures_were_taken(city, client_for):
    record(city, stmt())
    html = client_for("dept_officer").get("/lrs/dashboard/").content.decode()
    assert 'data-testid="lrs-as-of"' in html
