import datetime as dt

import pytest

from edudx.core.actor import Actor
from edudx.core.rules import personal_id
from edudx.quality.models import CandidatePair
from edudx.registry import services as registry
from edudx.registry.schemas import StudentFields


@pytest.fixture
def twin(city):
    """Pupil A1's first child typed again at school B1 (ward B): no accents, another code and
    phone, no personal ID; enrolled there too. And the candidate pair Splink would find."""
    a = Actor.system(source="test")
    original = city.students[0]
    b1 = city.schools[2]
    copy = registry.student_create(
        actor=a,
        school=b1,
        data=StudentFields(
            full_name="Nguyen Van An PAa",
            gender="male",
            date_of_birth=dt.date(2014, 3, 1),
            personal_id=None,
            moet_code="7999999901",
            parent_phone="0987654321",
            father_name="Nguyễn Văn Bố",
        ),
    )
    registry.enrolment_enrol(
        actor=a, student=copy, school_class=city.classes[2], start_date=dt.date(2025, 9, 6)
    )
    lo, hi = sorted((original.pk, copy.pk))
    pair = CandidatePair.objects.create(
        kind="students", record_a=lo, record_b=hi,
        school_a=original.school if lo == original.pk else b1, school_b=b1 if lo == original.pk else original.school,
        probability=0.993,
    )  # fmt: skip
    return {"original": original, "copy": copy, "pair": pair}


def make_pid(serial: int) -> str:
    return personal_id.make("079", "male", 2014, serial)
