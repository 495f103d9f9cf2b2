"""The 4725 II.3c indicator from results: the share of a school's classes of the current year
whose score book was imported, read through the shipped bands into points with evidence."""

import pytest

from edudx.core import indicators
from edudx.core.roles import Role
from edudx.monitoring.models import ScoringBand
from edudx.registry.models import SchoolClass

from .helpers import run
from .test_import import a1_file

pytestmark = pytest.mark.django_db


def test_scorebook_share_counts_classes_with_results_this_year(city, tmp_path):
    ind = indicators.get("results.scorebook_share")
    assert "4725:II.3" in ind.criteria and ind.formula and ind.freshness
    a1, other = city.schools[0], city.schools[1]
    assert ind.compute([a1.pk])[a1.pk] == 0
    run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path))
    classes = SchoolClass.objects.filter(school=a1, year__is_current=True).count()
    values = ind.compute([a1.pk, other.pk])
    assert values[a1.pk] == round(100.0 / classes, 1)
    assert values[other.pk] in (0, None)  # no results imported there
    # a second semester of the same class is the same class
    run(city, Role.SCHOOL_ADMIN, a1_file(city, tmp_path, semester=2))
    assert ind.compute([a1.pk])[a1.pk] == round(100.0 / classes, 1)


def test_ii3c_band_is_shipped_as_data():
    bands = ScoringBand.objects.filter(
        criterion__code="II.3", subitem_code="c", criterion__group__framework__code="4725"
    )
    assert set(bands.values_list("indicator_code", flat=True)) == {"results.scorebook_share"}
    assert sorted(bands.values_list("points", flat=True)) == [0, 5, 10]
