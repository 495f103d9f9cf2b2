"""Home below the school and every home figure as a file (issue #18 item 7): a department or a ward
officer drills ward → school → its classes → a class's roster → a pupil's record within their
scope, a principal sees their own classes; every panel of each role's home downloads as XLSX and
as a PDF in the Decree 30/2020 form; results are crossed with infrastructure readiness in counts
that hide fewer than 10 pupils."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edudx.web import dashboards
from edudx.web.dashboards import panels, tables


def _pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def test_a_department_officer_drills_from_a_ward_to_a_class_and_a_pupils_record(city, client_for):
    client = client_for("dept_officer")
    school, cls, pupil = city.schools[0], city.classes[0], city.students[0]
    assert cls.school_id == school.pk and pupil.school_id == school.pk
    board = dashboards.build(city.scope_of("dept_officer"), school_id=school.pk)
    classes = board["school"]["classes"]
    assert [c["id"] for c in classes] == [cls.pk] and classes[0]["pupils"] >= 1
    page = client.get(reverse("web:home"), {"school": school.pk}).content.decode()
    class_url = reverse("registry:class_detail", kwargs={"class_id": cls.pk})
    assert 'data-testid="panel-classes"' in page and class_url in page
    assert f"?ward={school.unit.parent_id}" in page  # back up to the ward's schools
    roster = client.get(class_url).content.decode()
    record = reverse("registry:student_detail", kwargs={"student_id": pupil.pk})
    assert record in roster and client.get(record).status_code == 200


def test_the_drill_stops_at_the_scope(city, client_for):
    # ward A's officer: a school of ward B shows nothing, a junk id is ignored
    foreign = city.schools[2]
    assert dashboards.build(city.scope_of("ward_officer"), school_id=foreign.pk)["school"] is None
    client = client_for("ward_officer")
    page = client.get(reverse("web:home"), {"school": foreign.pk}).content.decode()
    assert 'data-testid="panel-classes"' not in page and foreign.name not in page
    for junk in ("abc", "-1", "9" * 40, "\x00", str(2**63)):
        assert client.get(reverse("web:home"), {"school": junk}).status_code == 200
        assert (
            client.get(reverse("web:panel_xlsx", kwargs={"panel": "classes"}), {"school": junk}).status_code
            == 404
        )
    # the foreign school's classes are not downloadable either
    r = client.get(reverse("web:panel_xlsx", kwargs={"panel": "classes"}), {"school": foreign.pk})
    assert r.status_code == 404


def test_a_principal_sees_their_own_classes(city, client_for):
    board = dashboards.build(city.scope_of("school_admin"))
    assert board["school"]["id"] == city.schools[0].pk
    assert [c["id"] for c in board["school"]["classes"]] == [city.classes[0].pk]
    # a principal asking for another school's classes gets their own board, nothing else
    page = (
        client_for("school_admin").get(reverse("web:home"), {"school": city.schools[2].pk}).content.decode()
    )
    assert city.schools[2].name not in page


@pytest.mark.parametrize("role", ["dept_officer", "ward_officer", "school_admin"])
def test_every_panel_on_home_downloads_as_xlsx_and_as_a_decree_30_pdf(city, client_for, role):
    client = client_for(role)
    query = {"school": city.schools[0].pk}
    page = client.get(reverse("web:home"), query).content.decode()
    shown = set(re.findall(r'data-testid="xlsx-([a-z-]+)"', page))
    assert shown == set(re.findall(r'data-testid="pdf-([a-z-]+)"', page))
    assert {"figures", "levels", "classes"} <= shown
    if role != "school_admin":
        assert "dx" in shown
    for panel in sorted(shown):
        r = client.get(reverse("web:panel_xlsx", kwargs={"panel": panel}), query)
        assert r.status_code == 200, panel
        cells = [
            v for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True) for v in row
        ]
        assert cells[0], panel  # the title line
    r = client.get(reverse("web:panel_pdf", kwargs={"panel": "classes"}), query)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = _pdf_text(r.content)
    for part in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "Nơi nhận:",
        "Số:",
    ):
        assert part in text, part
    assert city.classes[0].name in text
    r = client.get(reverse("web:panel_pdf", kwargs={"panel": "figures"}))
    assert r.status_code == 200 and "Thành phố Hồ Chí Minh, ngày" in _pdf_text(r.content)
    assert client.get(reverse("web:panel_pdf", kwargs={"panel": "nonsense"})).status_code == 404


def test_the_figures_in_the_file_are_those_on_the_page(city, client_for):
    client = client_for("dept_officer")
    r = client.get(reverse("web:panel_xlsx", kwargs={"panel": "figures"}))
    rows = {row[0]: row[1] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)}
    from django.utils import translation

    with translation.override("vi"):
        label = translation.gettext("Schools")
    assert label != "Schools" and rows[label] == len(city.schools)
    text = _pdf_text(client.get(reverse("web:panel_pdf", kwargs={"panel": "figures"})).content)
    assert "GIÁM ĐỐC" in text and city.dept.name.upper() in text


def test_results_by_readiness_hide_fewer_than_ten_pupils(monkeypatch):
    from edudx.core.scope import Scope
    from edudx.results import selectors as results_selectors

    rows = [
        {"key": 1, "pupils": 400, "counts": {"T": 100, "K": 150, "D": 130, "C": 20}},
        {"key": 2, "pupils": 300, "counts": {"T": 90, "D": 205, "C": 5}},  # below: 5 Chưa đạt
        {"key": 3, "pupils": 6, "counts": {"G": 6}},  # no readiness figures, 6 pupils
    ]
    monkeypatch.setattr(results_selectors, "breakdown", lambda **kw: (rows, "2025-2026", 3))
    eq = panels.equity(Scope.system(), {1: False, 2: True})
    assert eq is not None
    got = {r["key"]: r for r in eq["rows"]}
    assert (got["ready"]["schools"], got["ready"]["pupils"], got["ready"]["passed"]) == (1, 400, 380)
    assert got["ready"]["not_passed"] == 20 and got["ready"]["passed_share"] == 95.0
    # 5 Chưa đạt is hidden, and Đạt with it (the pupils' total would give it back), and the share
    assert got["below"]["pupils"] == 300
    assert got["below"]["passed"] is None and got["below"]["not_passed"] is None
    assert got["below"]["passed_share"] is None
    assert got["unknown"]["pupils"] is None and got["unknown"]["schools"] == 1
    t = tables.table("equity", {"kind": "authority", "equity": eq}, {})
    assert t is not None and [r[2] for r in t.rows] == [400, 300, None]
