"""The demo step gives the small demo's secondary schools results, the year's included."""

import pytest

from edudx.core.demo import DemoContext
from edudx.results import demo
from edudx.results.models import YEAR, PupilTerm, SubjectResult


@pytest.mark.django_db
def test_demo_builds_results_and_year(city):
    ctx = DemoContext(scale="small", seed=7)
    ctx.data.update({"current_year": city.year.pk, "schools": [s.pk for s in city.schools]})
    demo.build(ctx)
    assert SubjectResult.objects.filter(semester=1).count() == 12 * 11  # 12 pupils × 11 subjects
    assert PupilTerm.objects.filter(period=YEAR).count() == 6  # the two schools given semester 2
    assert not PupilTerm.objects.filter(learning="").exists()
