import pytest
import time_machine

from edudx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from edudx.core.roles import Role
from edudx.skills import indicators, selectors
from edudx.skills.models import Competence, SelfAssessment
from edudx.skills.schemas import RatingIn
from edudx.skills.services import campaigns

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spring_2026():
    """Inside the 2025-2026 campaign's self-assessment window."""
    with time_machine.travel("2026-03-01 08:00 +0700", tick=False):
        yield


def _all(fw, rank=2):
    return [
        RatingIn(competence_id=c.pk, rank=rank, evidence="bài giảng")
        for c in Competence.objects.filter(framework=fw)
    ]


def test_teacher_rates_submits_and_the_principal_confirms(city, campaign, teachers_fw):
    assert SelfAssessment.objects.filter(campaign=campaign).count() == 4
    teacher = city.actor_of(Role.TEACHER)
    mine = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[0])
    with pytest.raises(ValidationFailed) as e:
        campaigns.assessment_submit(actor=teacher, assessment=mine)
    assert e.value.code == "ratings_missing"
    campaigns.ratings_save(actor=teacher, assessment=mine, ratings=_all(teachers_fw, 3))
    mine.refresh_from_db()
    assert mine.status == "draft"
    campaigns.assessment_submit(actor=teacher, assessment=mine)
    with pytest.raises(Conflict):
        campaigns.ratings_save(actor=teacher, assessment=mine, ratings=_all(teachers_fw, 1))
    principal = city.actor_of(Role.SCHOOL_ADMIN)
    campaigns.assessment_return(actor=principal, assessment=mine, note="Thêm minh chứng")
    mine.refresh_from_db()
    assert mine.status == "returned" and mine.review_note == "Thêm minh chứng"
    campaigns.assessment_submit(actor=teacher, assessment=mine)
    campaigns.assessment_confirm(actor=principal, assessment=mine)
    mine.refresh_from_db()
    assert mine.status == "confirmed"
    heat = selectors.heatmap(scope=city.scope_of(Role.DEPT_ADMIN), campaign=campaign)
    means = [cell["mean"] for _comp, row in heat["grid"] for cell in row if cell["mean"] is not None]
    assert means and set(means) == {3.0}
    assert heat["target"] == 2
    got = indicators.teachers_software([city.schools[0].pk, city.schools[1].pk])
    assert got[city.schools[0].pk] == 100.0 and got[city.schools[1].pk] == 0.0


def test_no_one_rates_or_confirms_outside_their_place(city, campaign, teachers_fw):
    teacher = city.actor_of(Role.TEACHER)
    other = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[1])  # A2: not theirs
    with pytest.raises(PermissionDenied):
        campaigns.ratings_save(actor=teacher, assessment=other, ratings=_all(teachers_fw))
    b1 = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[2])
    b1.status = "submitted"
    b1.save()
    with pytest.raises(PermissionDenied):
        campaigns.assessment_confirm(actor=city.actor_of(Role.SCHOOL_ADMIN), assessment=b1)
    with pytest.raises(NotFound):
        selectors.assessment_get(scope=city.scope_of(Role.SCHOOL_ADMIN), pk=b1.pk)
    mine = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[0])
    foreign = Competence.objects.exclude(framework=teachers_fw).first()
    with pytest.raises(ValidationFailed) as e:
        campaigns.ratings_save(
            actor=teacher, assessment=mine, ratings=[RatingIn(competence_id=foreign.pk, rank=1)]
        )
    assert e.value.code == "foreign_competence"
    with pytest.raises(ValidationFailed):
        campaigns.ratings_save(
            actor=teacher,
            assessment=mine,
            ratings=[RatingIn(competence_id=_all(teachers_fw)[0].competence_id, rank=7)],
        )


def test_deadline_passed(city, campaign, teachers_fw):
    teacher = city.actor_of(Role.TEACHER)
    mine = SelfAssessment.objects.get(campaign=campaign, staff=city.staff[0])
    with time_machine.travel("2026-06-10 08:00 +0700", tick=False), pytest.raises(Conflict) as e:
        campaigns.ratings_save(actor=teacher, assessment=mine, ratings=_all(teachers_fw))
    assert e.value.code == "deadline_passed"
