import pytest

from edudx.core import aggregates
from edudx.core.demo import DemoContext
from edudx.skills import demo, indicators
from edudx.skills.models import PersonCertificate, PupilLevel, SelfAssessment
from edudx.skills.services.common import COVERAGE

pytestmark = pytest.mark.django_db


def test_demo_builds_and_indicators_read_it(city):
    demo.build(DemoContext(scale="small", seed=7))
    assert SelfAssessment.objects.count() == 4
    assert PersonCertificate.objects.exists()
    assert PupilLevel.objects.count() == 12 * 4  # 4 classes of 3 pupils, 4 competences
    aggregates.refresh(COVERAGE)
    ids = [s.pk for s in city.schools]
    for fn in (
        indicators.teachers_online_account,
        indicators.teachers_software,
        indicators.teachers_materials,
        indicators.staff_it_standard,
        indicators.managers_it_standard,
    ):
        values = fn(ids)
        assert set(values) == set(ids)
        assert all(v is None or 0 <= v <= 100 for v in values.values())


def test_standard_rule():
    from edudx.skills.aggregates import standard_met

    basic = {f"IU0{i}" for i in range(1, 7)}
    info = {
        1: ("", basic),
        2: ("", {"IU07", "IU08"}),
        3: ("", {"IU12"}),
        4: ("advanced", set()),
        5: ("", {"IU01"}),
    }
    assert standard_met({1}, info) == "basic"
    assert standard_met({1, 2}, info) == "basic"
    assert standard_met({1, 2, 3}, info) == "advanced"
    assert standard_met({4}, info) == "advanced"
    assert standard_met({5, 2, 3}, info) == ""
