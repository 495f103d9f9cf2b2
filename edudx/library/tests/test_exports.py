"""The library's XLSX goes through core.exports: numbers stay numbers, no cell starts a formula."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from edudx.library.models import Resource

from .helpers import make_resource, publish


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


@pytest.mark.django_db
def test_search_export_keeps_numbers_as_numbers_and_neutralises_formulas(city, client_for):
    hostile = publish(city, make_resource(city, title="=cmd|' /C calc'!A0"))
    Resource.objects.filter(pk=hostile.pk).update(use_count=42, rating_sum=9, rating_count=2)
    publish(city, make_resource(city, title="@SUM(1+1)*cmd|' /C calc'!A0"))

    header, rows = _sheet(client_for("viewer").get(reverse("library:resource_list"), {"export": "xlsx"}))
    assert len(header) == 11
    uses, rating = 9, 10  # the last two columns
    by_title = {r[0]: r for r in rows}
    assert "'=cmd|' /C calc'!A0" in by_title  # shown as text, never run
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in by_title
    assert not any(isinstance(v, str) and v[:1] in "=+-@" for r in rows for v in r)
    row = by_title["'=cmd|' /C calc'!A0"]
    # Uses and rating are numbers a spreadsheet can sum, not text.
    assert row[uses] == 42 and isinstance(row[uses], int)
    assert row[rating] == 4.5 and isinstance(row[rating], float)


@pytest.mark.django_db
def test_own_list_export_goes_through_the_same_writer(city, client_for):
    mine = make_resource(city, title="-2+3 bài luyện tập")
    Resource.objects.filter(pk=mine.pk).update(use_count=7)
    header, rows = _sheet(client_for("teacher").get(reverse("library:my_resources"), {"export": "xlsx"}))
    assert len(header) == 11
    (row,) = [r for r in rows if r[0] == "'-2+3 bài luyện tập"]
    assert 7 in row and "7" not in row
