import datetime as dt

import pytest
import time_machine

from edudx.core.actor import Via
from edudx.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from edudx.core.roles import Role
from edudx.ingest import kinds as ingest_kinds
from edudx.ingest.engine import pipeline
from edudx.skills.models import Competence, SelfAssessment, TrainingRecord
from edudx.skills.schemas import CourseCompletionIn, RatingIn, TrainingRecordIn
from edudx.skills.selectors import training as training_selectors
from edudx.skills.services import campaigns, training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _spring_2026():
    with time_machine.travel("2026-03-01 08:00 +0700", tick=False):
        yield


def _comp(fw, i=0):
    return list(Competence.objects.filter(framework=fw).order_by("order"))[i]


def _data(city, fw, **kw):
    base = {
        "staff_id": city.staff[0].pk,
        "competence_id": _comp(fw).pk,
        "title": "Bồi dưỡng năng lực số",
        "completed_on": dt.date(2026, 2, 1),
        "hours": 30,
    }
    return TrainingRecordIn(**{**base, **kw})


def test_the_school_records_a_training_and_nothing_foreign(city, teachers_fw):
    principal = city.actor_of(Role.SCHOOL_ADMIN)
    rec = training.training_record(actor=principal, data=_data(city, teachers_fw))
    assert rec.school_id == city.schools[0].pk and rec.source == "entry"
    with pytest.raises(Conflict) as e:
        training.training_record(actor=principal, data=_data(city, teachers_fw))
    assert e.value.code == "training_taken"
    with pytest.raises(NotFound):  # B1's teacher: not in A1's scope
        training.training_record(actor=principal, data=_data(city, teachers_fw, staff_id=city.staff[2].pk))
    with pytest.raises(ValidationFailed) as e:
        training.training_record(
            actor=principal, data=_data(city, teachers_fw, completed_on=dt.date(2027, 1, 1))
        )
    assert e.value.code == "completed_in_future"
    learners = Competence.objects.exclude(framework=teachers_fw).first()
    with pytest.raises(ValidationFailed) as e:
        training.training_record(actor=principal, data=_data(city, teachers_fw, competence_id=learners.pk))
    assert e.value.code == "not_staff_competence"
    with pytest.raises(ValidationFailed) as e:  # a title of spaces only
        training.training_record(actor=principal, data=_data(city, teachers_fw, title="   "))
    assert e.value.code == "required"
    with pytest.raises(PermissionDenied):  # a teacher does not manage training records
        training.training_record(actor=city.actor_of(Role.TEACHER), data=_data(city, teachers_fw, title="x"))
    assert TrainingRecord.objects.count() == 1


def test_a_completed_course_records_the_evidence_once(city, campaign, teachers_fw):
    teacher = city.actor_of(Role.TEACHER)  # linked to city.staff[0] by the campaign fixture
    data = CourseCompletionIn(
        staff_id=city.staff[0].pk,
        competence_ids=[_comp(teachers_fw, 0).pk, _comp(teachers_fw, 1).pk],
        course_title="Khai thác học liệu số",
        reference="learning:course:7",
        completed_on=dt.date(2026, 2, 20),
    )
    got = training.course_completed(actor=teacher, data=data)
    assert len(got) == 2 and {r.source for r in got} == {"course"}
    assert training.course_completed(actor=teacher, data=data) == []
    assert TrainingRecord.objects.count() == 2
    # someone else's course: the teacher cannot record it (A2's teacher is outside A1's scope)
    with pytest.raises(NotFound):
        training.course_completed(actor=teacher, data=data.model_copy(update={"staff_id": city.staff[1].pk}))


def _confirm(city, fw, rank):
    teacher, principal = city.actor_of(Role.TEACHER), city.actor_of(Role.SCHOOL_ADMIN)
    mine = SelfAssessment.objects.get(campaign__framework=fw, staff=city.staff[0])
    campaigns.ratings_save(
        actor=teacher,
        assessment=mine,
        ratings=[RatingIn(competence_id=c.pk, rank=rank) for c in Competence.objects.filter(framework=fw)],
    )
    campaigns.assessment_submit(actor=teacher, assessment=mine)
    campaigns.assessment_confirm(actor=principal, assessment=mine)


def test_the_plan_lists_the_gaps_and_a_training_closes_one(city, campaign, teachers_fw):
    _confirm(city, teachers_fw, 1)  # target for teachers is 2
    principal = city.actor_of(Role.SCHOOL_ADMIN)
    items = training_selectors.plan(scope=principal.scope, campaign=campaign, school_id=city.schools[0].pk)
    n = Competence.objects.filter(framework=teachers_fw).count()
    assert len(items) == n and not any(i["trained"] for i in items)
    assert {i["staff_id"] for i in items} == {city.staff[0].pk}
    # a training completed before the campaign began closes nothing; one since does
    training.training_record(actor=principal, data=_data(city, teachers_fw))
    items = training_selectors.plan(scope=principal.scope, campaign=campaign, school_id=city.schools[0].pk)
    assert not any(i["trained"] for i in items)
    training.training_record(actor=principal, data=_data(city, teachers_fw, completed_on=dt.date(2026, 3, 1)))
    items = training_selectors.plan(scope=principal.scope, campaign=campaign, school_id=city.schools[0].pk)
    assert [i["competence_id"] for i in items if i["trained"]] == [_comp(teachers_fw).pk]
    # the department sees counts per ward, never names
    need = training_selectors.needs(scope=city.scope_of(Role.DEPT_OFFICER), campaign=campaign)
    below = {r["unit_id"]: 0 for r in need["rows"]}
    for r in need["rows"]:
        below[r["unit_id"]] += r["below_target"]
    assert below[city.wards[0].pk] == n and below[city.wards[1].pk] == 0
    assert "staff" not in need["rows"][0]
    # a ward officer sees counts but no school's plan (names)
    with pytest.raises(PermissionDenied):
        training_selectors.plan(
            scope=city.scope_of(Role.WARD_OFFICER), campaign=campaign, school_id=city.schools[0].pk
        )
    with pytest.raises(NotFound):
        training_selectors.plan(scope=principal.scope, campaign=campaign, school_id=city.schools[2].pk)


HEADER = "Mã trường,Mã cán bộ,Năng lực,Khóa bồi dưỡng,Đơn vị tổ chức,Ngày hoàn thành,Số tiết\n"


def test_training_list_import_is_scoped_and_idempotent(city, teachers_fw, tmp_path):
    code = _comp(teachers_fw).code
    a1, b1 = city.staff[0], city.staff[2]
    rows = [
        [city.schools[0].moet_code, a1.moet_code, code, "Khóa A", "Sở", "01/02/2026", "20"],
        [city.schools[0].moet_code, "GV-NOBODY", code, "Khóa A", "Sở", "01/02/2026", ""],
        [city.schools[0].moet_code, a1.moet_code, "9.9", "Khóa A", "Sở", "01/02/2026", ""],
        [city.schools[0].moet_code, a1.moet_code, code, "Khóa B", "", "01/02/2027", ""],
        [city.schools[0].moet_code, a1.moet_code, code, "Khóa C", "", "02/02/2026", "99999"],
        [city.schools[2].moet_code, b1.moet_code, code, "Khóa A", "Sở", "01/02/2026", ""],
    ]
    p = tmp_path / "boiduong.csv"
    p.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    actor = city.actor_of(Role.SCHOOL_ADMIN).with_source("import:test", via=Via.IMPORT)
    kind = ingest_kinds.get("skills_training")
    done = pipeline.process(kind=kind, path=p, actor=actor, write=True, mode=pipeline.PARTIAL)
    assert done.counts["new"] == 1 and done.counts["rejected"] == 5, [
        x.as_dict() for x in done.problems.items
    ]
    codes = {x.as_dict()["code"] for x in done.problems.items}
    assert {"staff_not_found", "unknown_competence", "completed_in_future", "hours_out_of_range"} <= codes
    rec = TrainingRecord.objects.get()
    assert (rec.staff_id, rec.source, rec.hours) == (a1.pk, "import", 20)
    again = pipeline.process(kind=kind, path=p, actor=actor, write=True, mode=pipeline.PARTIAL)
    assert again.counts["new"] == 0 and TrainingRecord.objects.count() == 1


def test_training_pages_and_api(city, campaign, teachers_fw, client):
    client.force_login(city.users[Role.SCHOOL_ADMIN])
    a1, b1 = city.schools[0].pk, city.schools[2].pk
    assert client.get(f"/skills/training/schools/{a1}/").status_code == 200
    assert client.get(f"/skills/training/schools/{b1}/").status_code == 404
    assert client.get(f"/skills/training/schools/{b1}/new/").status_code == 404
    r = client.post(
        f"/skills/training/schools/{a1}/new/",
        {
            "staff_id": city.staff[0].pk,
            "competence_id": _comp(teachers_fw).pk,
            "title": "Khóa trên trang",
            "completed_on": "2026-02-02",
            "hours": "12",
        },
    )
    assert r.status_code == 302 and TrainingRecord.objects.filter(title="Khóa trên trang").exists()
    r = client.post(
        f"/skills/training/schools/{a1}/new/",
        {
            "staff_id": city.staff[0].pk,
            "competence_id": _comp(teachers_fw).pk,
            "title": "x",
            "completed_on": "2030-01-01",
        },
    )
    assert r.status_code == 200 and "completed_on" in r.context["form"].errors
    api = client.post(
        "/api/v1/skills/training/records",
        {
            "staff_id": city.staff[2].pk,
            "competence_id": _comp(teachers_fw).pk,
            "title": "t",
            "completed_on": "2026-01-01",
        },
        content_type="application/json",
    )
    assert api.status_code == 404
    got = client.get(f"/api/v1/skills/training/plan/{a1}?campaign={campaign.pk}")
    assert got.status_code == 200 and got.json() == []
    assert client.get(f"/api/v1/skills/training/plan/{b1}?campaign={campaign.pk}").status_code == 404
    # the scope first: a foreign school is a 404 even without its query; one's own asks for it
    assert client.get(f"/api/v1/skills/training/plan/{b1}").status_code == 404
    missing = client.get(f"/api/v1/skills/training/plan/{a1}")
    assert missing.status_code == 422 and missing.json()["error"]["code"] == "required"
    client.force_login(city.users[Role.WARD_OFFICER])
    assert client.get(f"/skills/training/?campaign={campaign.pk}").status_code == 200
    assert client.get(f"/skills/training/schools/{a1}/").status_code == 403
    n = client.get(f"/api/v1/skills/training/needs?campaign={campaign.pk}")
    assert n.status_code == 200 and all("staff" not in row for row in n.json())
