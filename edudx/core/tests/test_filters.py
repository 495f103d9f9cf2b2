"""core.filters.parse_filter: one way every HTML list reads its filters from the URL."""

from __future__ import annotations

from django.http import QueryDict
from pydantic import Field

from edudx.core.filters import FilterModel, parse_filter
from edudx.core.ids import Id


class Sample(FilterModel):
    q: str = ""
    school: Id | None = None
    grade: int | None = Field(None, ge=0, le=12)


def test_a_bad_value_drops_that_filter_and_keeps_the_others():
    f = parse_filter(Sample, QueryDict("q=nguyen&grade=13&school=7"))
    assert (f.q, f.grade, f.school) == ("nguyen", None, 7)


def test_a_huge_id_and_a_nul_are_dropped_not_fatal():
    f = parse_filter(Sample, QueryDict("school=99999999999999999999&q=a%00b&grade=5"))
    assert (f.q, f.school, f.grade) == ("", None, 5)


def test_blank_values_and_spaces_are_no_filter():
    f = parse_filter(Sample, QueryDict("q=++&school=&grade= 3 "))
    assert (f.q, f.school, f.grade) == ("", None, 3)


def test_keys_the_model_does_not_know_are_ignored():
    assert parse_filter(Sample, QueryDict("unknown=1&q=x")) == Sample(q="x")


def test_an_id_is_never_read_from_true_or_false():
    # pydantic's lax mode would read JSON true as 1 (a body's "class_id": true named record 1);
    # a query string's "5" is still an id.
    import pytest
    from pydantic import TypeAdapter, ValidationError

    ids = TypeAdapter(Id)
    for value in (True, False):
        with pytest.raises(ValidationError):
            ids.validate_python(value)
        with pytest.raises(ValidationError):
            ids.validate_json("true" if value else "false")
    assert ids.validate_python("5") == 5
    assert ids.validate_json("7") == 7
