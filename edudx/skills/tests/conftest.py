import pytest

from edudx.core.actor import Actor
from edudx.skills.models import Certificate, Framework


@pytest.fixture
def system():
    return Actor.system(source="test")


@pytest.fixture
def gs6(db):
    return Certificate.objects.get(code="IC3_GS6")


@pytest.fixture
def teachers_fw(db):
    return Framework.objects.get(audience=Framework.Audience.TEACHER)


@pytest.fixture
def campaign(city, teachers_fw):
    """An open self-assessment campaign; the teacher login is A1's teacher's staff record."""
    from edudx.core.roles import Role
    from edudx.registry.models import Staff
    from edudx.skills.schemas import CampaignIn, TargetIn
    from edudx.skills.services import campaigns, catalogue

    Staff.objects.filter(pk=city.staff[0].pk).update(user=city.users[Role.TEACHER])
    dept = city.actor_of(Role.DEPT_ADMIN)
    c = campaigns.campaign_create(
        actor=dept,
        framework=teachers_fw,
        data=CampaignIn(name="Tự đánh giá 2025-2026", school_year="2025-2026"),
    )
    catalogue.target_set(actor=dept, framework=teachers_fw, data=TargetIn(position="giao_vien", rank=2))
    campaigns.campaign_open(actor=dept, campaign=c)
    return c
