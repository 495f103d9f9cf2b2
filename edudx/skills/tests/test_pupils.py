import pytest

from edudx.core.actor import Via
from edudx.core.errors import NotFound, PermissionDenied, ValidationFailed
from edudx.core.roles import Role
from edudx.ingest import kinds as ingest_kinds
from edudx.ingest.engine import pipeline
from edudx.skills.models import Competence, Framework, Level, PupilLevel
from edudx.skills.schemas import PupilLevelEntry, PupilLevelsIn
from edudx.skills.selectors import pupils as pupil_selectors
from edudx.skills.services import pupils

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(db):
    fw = Framework.objects.get(audience=Framework.Audience.LEARNER)
    levels = {lv.code: lv for lv in Level.objects.filter(framework=fw)}
    return fw, Competence.objects.filter(framework=fw).order_by("order").first(), levels


def _total(rows, unit_id):
    return [r for r in rows if r["unit_id"] == unit_id]


def test_a_teacher_enters_a_class_and_others_see_only_counts(city, learners):
    fw, comp, lv = learners
    teacher = city.actor_of(Role.TEACHER)
    a1_class = city.classes[0]
    one, two, three = city.students[0:3]
    done = pupils.pupil_levels_set(
        actor=teacher,
        school_class=a1_class,
        data=PupilLevelsIn(
            competence_id=comp.pk,
            default_level_id=lv["TC1"].pk,  # grade 6: the band's level
            levels=[PupilLevelEntry(student_id=two.pk, level_id=lv["CB2"].pk)],
        ),
    )
    assert done == {"set": 3, "removed": 0}
    assert dict(PupilLevel.objects.values_list("student_id", "level__code")) == {
        one.pk: "TC1",
        two.pk: "CB2",
        three.pk: "TC1",
    }
    # the counts of the department: per ward, no pupil
    data = pupil_selectors.counts(scope=city.scope_of(Role.DEPT_OFFICER), school_year=city.year.code)
    [row] = _total(data["rows"], city.wards[0].pk)
    assert (row["assessed"], row["at_band"], row["by_level"]) == (3, 2, {"TC1": 2, "CB2": 1})
    assert set(row) == {"unit_id", "unit", "competence_id", "competence", "assessed", "at_band", "by_level"}
    # names: only inside the school
    names = pupil_selectors.class_levels(scope=teacher.scope, school_class=a1_class, competence=comp)
    assert {r["student_id"] for r in names} == {one.pk, two.pk, three.pk}
    for role in (Role.DEPT_OFFICER, Role.DEPT_ADMIN, Role.WARD_OFFICER):
        with pytest.raises(PermissionDenied):
            pupil_selectors.class_levels(scope=city.scope_of(role), school_class=a1_class, competence=comp)
    # the class-level entry again, one pupil cleared
    done = pupils.pupil_levels_set(
        actor=teacher,
        school_class=a1_class,
        data=PupilLevelsIn(
            competence_id=comp.pk, levels=[PupilLevelEntry(student_id=three.pk, level_id=None)]
        ),
    )
    assert done == {"set": 0, "removed": 1} and PupilLevel.objects.count() == 2


def test_entries_outside_the_class_or_the_framework_are_refused(city, learners):
    fw, comp, lv = learners
    teacher = city.actor_of(Role.TEACHER)
    a1_class = city.classes[0]
    with pytest.raises(ValidationFailed) as e:  # a pupil of B1 named in A1's class
        pupils.pupil_levels_set(
            actor=teacher,
            school_class=a1_class,
            data=PupilLevelsIn(
                competence_id=comp.pk,
                levels=[PupilLevelEntry(student_id=city.students[6].pk, level_id=lv["TC1"].pk)],
            ),
        )
    assert e.value.code == "not_in_class"
    with pytest.raises(ValidationFailed) as e:  # a level after school
        pupils.pupil_levels_set(
            actor=teacher,
            school_class=a1_class,
            data=PupilLevelsIn(competence_id=comp.pk, default_level_id=lv["CS2"].pk),
        )
    assert e.value.code == "unknown_level"
    staff_comp = Competence.objects.exclude(framework=fw).first()
    with pytest.raises(ValidationFailed) as e:
        pupils.pupil_levels_set(
            actor=teacher, school_class=a1_class, data=PupilLevelsIn(competence_id=staff_comp.pk)
        )
    assert e.value.code == "not_learner_competence"
    with pytest.raises(PermissionDenied):  # the department does not assess pupils
        pupils.pupil_levels_set(
            actor=city.actor_of(Role.DEPT_ADMIN),
            school_class=a1_class,
            data=PupilLevelsIn(competence_id=comp.pk, default_level_id=lv["TC1"].pk),
        )
    with pytest.raises(PermissionDenied):  # B1's class: not the teacher's school
        pupils.pupil_levels_set(
            actor=teacher,
            school_class=city.classes[2],
            data=PupilLevelsIn(competence_id=comp.pk, default_level_id=lv["TC1"].pk),
        )
    assert PupilLevel.objects.count() == 0


def test_pages_and_api_keep_names_in_the_school(city, learners, client):
    fw, comp, lv = learners
    a1_class, b1_class = city.classes[0].pk, city.classes[2].pk
    client.force_login(city.users[Role.TEACHER])
    page = client.get(f"/skills/classes/{a1_class}/levels/?competence={comp.pk}")
    assert page.status_code == 200 and city.students[0].full_name in page.content.decode()
    assert client.get(f"/skills/classes/{b1_class}/levels/").status_code == 404
    assert client.get("/skills/classes/").status_code == 200
    r = client.post(
        f"/skills/classes/{a1_class}/levels/",
        {"competence": comp.pk, "default_level": lv["TC1"].pk, f"level_{city.students[1].pk}": lv["TC2"].pk},
    )
    assert r.status_code == 302 and PupilLevel.objects.count() == 3
    r = client.post(
        f"/skills/classes/{a1_class}/levels/", {"competence": comp.pk, "default_level": "abc\x00"}
    )
    assert r.status_code == 302
    api = client.put(
        f"/api/v1/skills/classes/{b1_class}/levels",
        {"competence_id": comp.pk, "default_level_id": lv["TC1"].pk},
        content_type="application/json",
    )
    assert api.status_code == 404
    client.force_login(city.users[Role.DEPT_OFFICER])
    assert client.get(f"/skills/classes/{a1_class}/levels/").status_code == 403
    assert client.get(f"/api/v1/skills/classes/{a1_class}/levels?competence={comp.pk}").status_code == 403
    counts = client.get("/skills/pupils/")
    assert counts.status_code == 200 and city.students[0].full_name not in counts.content.decode()
    got = client.get("/api/v1/skills/pupils/counts").json()
    assert sum(r["assessed"] for r in got) == 3


HEADER = "Mã trường,Mã học sinh,Năng lực,Mức đạt,Năm học\n"


def test_a_school_imports_its_own_pupils_levels_only(city, learners, tmp_path):
    fw, comp, lv = learners
    a, b1_pupil = city.students[0], city.students[6]
    a1, b1 = city.schools[0].moet_code, city.schools[2].moet_code
    rows = [
        [a1, a.moet_code, comp.code, "TC1", ""],
        [a1, city.students[1].personal_id, comp.code, "tc2", "2025-2026"],
        [a1, "NOBODY", comp.code, "TC1", ""],
        [a1, city.students[2].moet_code, comp.code, "CS2", ""],
        [a1, city.students[2].moet_code, "9.9", "TC1", ""],
        [b1, b1_pupil.moet_code, comp.code, "TC1", ""],
    ]
    p = tmp_path / "nangluc.csv"
    p.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    actor = city.actor_of(Role.SCHOOL_ADMIN).with_source("import:test", via=Via.IMPORT)
    kind = ingest_kinds.get("skills_pupil_levels")
    done = pipeline.process(kind=kind, path=p, actor=actor, write=True, mode=pipeline.PARTIAL)
    assert done.counts["new"] == 2 and done.counts["rejected"] == 4, [
        x.as_dict() for x in done.problems.items
    ]
    assert not PupilLevel.objects.filter(student=b1_pupil).exists()
    assert PupilLevel.objects.get(student=city.students[1]).level.code == "TC2"
    rows[1][3] = "TC1"
    p.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    again = pipeline.process(kind=kind, path=p, actor=actor, write=True, mode=pipeline.PARTIAL)
    assert again.counts["new"] == 0 and again.counts["changed"] == 1
    assert PupilLevel.objects.get(student=city.students[1]).level.code == "TC1"
    with pytest.raises(NotFound):
        from edudx.registry import selectors as registry

        registry.class_get(scope=actor.scope, pk=city.classes[2].pk)
