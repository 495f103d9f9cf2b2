from edudx.core.demo import DemoContext
from edudx.quality import demo
from edudx.quality.models import CandidatePair, ReportingDeadline, ScorecardSnapshot
from edudx.registry.models import Student


def test_demo_types_pupils_again_at_another_school_and_queues_their_pairs(city):
    demo.build(DemoContext(scale="small"))
    pairs = list(CandidatePair.objects.all())
    assert pairs and all(p.school_a_id != p.school_b_id for p in pairs)
    for p in pairs:
        a, b = Student.objects.get(pk=p.record_a), Student.objects.get(pk=p.record_b)
        assert a.date_of_birth == b.date_of_birth and b.personal_id is None
    assert ReportingDeadline.objects.count() == 2
    assert ScorecardSnapshot.objects.filter(level="city").exists()
