"""A training course names competences of a teachers' framework; a staff member who completes
it has the evidence in their skills record, once."""

import pytest

from edudx.core.errors import NotFound, PermissionDenied, ValidationFailed
from edudx.core.roles import Role

pytestmark = pytest.mark.django_db


def _training_course(city):
    from edudx.learning import services
    from edudx.learning.schemas import BlockIn, CourseIn, LessonIn
    from edudx.registry.models import Staff

    Staff.objects.filter(pk=city.staff[0].pk).update(user=city.users[Role.TEACHER])
    principal = city.actor_of(Role.SCHOOL_ADMIN)
    course = services.course_create(
        actor=principal,
        data=CourseIn(title="Khai thác học liệu số", kind="training", school_id=city.schools[0].pk),
    )
    lessons = []
    for title in ("Tìm học liệu", "Dùng học liệu trong giờ học"):
        lesson = services.lesson_create(actor=principal, course=course, data=LessonIn(title=title))
        services.block_add(actor=principal, lesson=lesson, data=BlockIn(kind="text", html="<p>Đọc</p>"))
        lessons.append(services.lesson_publish(actor=principal, lesson=lesson))
    services.course_publish(actor=principal, course=course)
    return principal, course, lessons


def _competences(n=2):
    from edudx.skills import selectors as skills

    return list(skills.staff_competences()[:n])


def test_completing_a_training_course_puts_the_evidence_in_the_skills_record(city):
    from edudx.learning import selectors, services
    from edudx.learning.schemas import CompetenceIn, TrainingEnrolIn
    from edudx.skills.selectors import training as skills_training

    principal, course, lessons = _training_course(city)
    comps = _competences()
    level = comps[0].framework.levels.order_by("rank").first()
    services.course_competences_set(
        actor=principal,
        course=course,
        items=[
            CompetenceIn(competence_id=comps[0].pk, level_id=level.pk),
            CompetenceIn(competence_id=comps[1].pk),
        ],
    )
    teacher = city.actor_of(Role.TEACHER)
    with pytest.raises(NotFound):  # not enrolled yet: the lesson is not theirs
        services.lesson_open(actor=teacher, lesson=lessons[0])
    assert (
        services.training_enrol(
            actor=principal, course=course, data=TrainingEnrolIn(staff_ids=[city.staff[0].pk])
        )
        == 1
    )
    for lesson in lessons:
        services.lesson_open(actor=teacher, lesson=lesson)
        block = lesson.blocks.get()
        assert selectors.learner_block(scope=teacher.scope, user_id=teacher.user.pk, pk=block.pk) == block
        services.block_view(actor=teacher, block=block)
    dept = city.actor_of(Role.DEPT_ADMIN)
    records = list(skills_training.training_list(scope=dept.scope, school_id=city.schools[0].pk))
    assert sorted(r.competence_id for r in records) == sorted(c.pk for c in comps)
    assert {r.staff_id for r in records} == {city.staff[0].pk}
    assert {r.reference for r in records} == {f"learning:course:{course.pk}"}
    assert {r.source for r in records} == {"course"}
    # doing a block again, or the call again, records nothing new (idempotent)
    services.block_view(actor=teacher, block=lessons[1].blocks.get())
    assert services.training_completed_if_passed(actor=teacher, course=course) == []
    assert skills_training.training_list(scope=dept.scope, school_id=city.schools[0].pk).count() == 2


def test_a_training_course_refuses_foreign_competences_staff_and_kinds(city):
    from edudx.learning import services
    from edudx.learning.schemas import CompetenceIn, CourseIn, TrainingEnrolIn
    from edudx.skills.models import Competence, Framework

    principal, course, _lessons = _training_course(city)
    learners = Competence.objects.exclude(framework__audience=Framework.Audience.TEACHER).first()
    with pytest.raises(ValidationFailed) as e:
        services.course_competences_set(
            actor=principal, course=course, items=[CompetenceIn(competence_id=learners.pk)]
        )
    assert e.value.code == "not_staff_competence"
    comp = _competences(1)[0]
    foreign_level = Framework.objects.exclude(pk=comp.framework_id).first().levels.first()
    if foreign_level is not None:
        with pytest.raises(ValidationFailed) as e:
            services.course_competences_set(
                actor=principal,
                course=course,
                items=[CompetenceIn(competence_id=comp.pk, level_id=foreign_level.pk)],
            )
        assert e.value.code == "bad_level"
    with pytest.raises(ValidationFailed) as e:
        services.course_competences_set(
            actor=principal, course=course, items=[CompetenceIn(competence_id=comp.pk)] * 2
        )
    assert e.value.code == "duplicate"
    with pytest.raises(NotFound):  # B1's staff member is outside A1's scope
        services.training_enrol(
            actor=principal, course=course, data=TrainingEnrolIn(staff_ids=[city.staff[2].pk])
        )
    with pytest.raises(PermissionDenied):  # a pupil authors nothing
        services.course_competences_set(
            actor=city.actor_of("student"), course=course, items=[CompetenceIn(competence_id=comp.pk)]
        )
    open_course = services.course_create(
        actor=principal, data=CourseIn(title="Mở", kind="open", school_id=city.schools[0].pk)
    )
    with pytest.raises(ValidationFailed) as e:
        services.course_competences_set(
            actor=principal, course=open_course, items=[CompetenceIn(competence_id=comp.pk)]
        )
    assert e.value.code == "not_training"
    assert not course.competences.exists()


def test_the_pages_choose_competences_enrol_staff_and_list_the_training(city):
    from django.test import Client

    _principal, course, lessons = _training_course(city)
    comps = _competences()
    admin = Client()
    admin.force_login(city.users[Role.SCHOOL_ADMIN])
    page = admin.get(f"/learning/courses/{course.pk}/").content.decode()
    assert comps[0].name in page
    r = admin.post(
        f"/learning/courses/{course.pk}/training/competences/",
        {"competence": [comps[0].pk, comps[1].pk, "x"]},
    )
    assert r.status_code == 302 and sorted(
        course.competences.values_list("competence_id", flat=True)
    ) == sorted(c.pk for c in comps)
    r = admin.post(f"/learning/courses/{course.pk}/training/enrol/", {"school_id": city.schools[0].pk})
    assert r.status_code == 302
    assert admin.post(f"/learning/courses/{course.pk}/training/other/").status_code == 404
    teacher = Client()
    teacher.force_login(city.users[Role.TEACHER])
    mine = teacher.get("/learning/me/").content.decode()
    assert lessons[0].title in mine and lessons[1].title in mine
    assert teacher.get(f"/learning/me/lessons/{lessons[0].pk}/").status_code == 200
