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
