"""Messages to a class: the class course's teacher sends one; each pupil of the class sees it in
the app (the bell's unread count, the list, read when opened) and by e-mail from the task queue
where they have an address; a pupil of another class, or another school's teacher, never."""

import pytest
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _other_pupil(city):
    """An account for a pupil of another school's class (classes[2])."""
    from edudx.accounts import services as accounts
    from edudx.core.actor import Actor
    from edudx.registry.models import Enrolment, Student

    user = accounts.user_create(
        actor=Actor.system(source="test"), username="pupil_b1", full_name="Học sinh B1", password=None
    )
    student_id = Enrolment.objects.filter(school_class=city.classes[2]).values_list("student_id", flat=True)[
        0
    ]
    Student.objects.filter(pk=student_id).update(user=user)
    return user


def test_a_teacher_messages_the_class_and_only_its_pupils_see_it(city, django_capture_on_commit_callbacks):
    from edudx.learning.models import ClassMessage, MessageReceipt
    from edudx.learning.tests.conftest import build_lesson

    built = build_lesson(city)
    pupil = city.users["student"]
    pupil.email = "hs.a1@example.edu.vn"
    pupil.save(update_fields=["email"])
    other = _other_pupil(city)
    teacher = _client(city.users["teacher"])
    url = f"/learning/courses/{built.course.pk}/messages/"

    refused = teacher.post(url, {"title": "", "body": "x"})
    assert refused.status_code == 422 and not ClassMessage.objects.exists()
    assert "Trường này là bắt buộc" in refused.content.decode()  # the form speaks Vietnamese
    with django_capture_on_commit_callbacks(execute=True):
        r = teacher.post(url, {"title": "Nghỉ học thứ Sáu", "body": "Các em ôn bài phân số."})
    assert r.status_code == 302
    receipt = MessageReceipt.objects.get(user=pupil)
    assert list(MessageReceipt.objects.values_list("user_id", flat=True)) == [pupil.pk]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hs.a1@example.edu.vn"]  # by the task
    assert MessageReceipt.objects.get(pk=receipt.pk).emailed_at is not None
    assert "đã đọc 0/1" in teacher.get(url).content.decode()  # Vietnamese, read by 0 of 1

    p = _client(pupil)
    home = p.get("/learning/me/").content.decode()
    assert 'data-testid="bell"' in home and '<span class="badge text-bg-danger">1</span>' in home
    assert "Nghỉ học thứ Sáu" in p.get("/learning/me/messages/").content.decode()
    opened = p.get(f"/learning/me/messages/{receipt.pk}/")
    assert opened.status_code == 200 and "Các em ôn bài phân số." in opened.content.decode()
    assert MessageReceipt.objects.get(pk=receipt.pk).read_at is not None
    assert '<span class="badge text-bg-danger">' not in p.get("/learning/me/").content.decode()

    o = _client(other)  # a pupil of another class: nothing, and the message's id is a 404
    assert "Nghỉ học thứ Sáu" not in o.get("/learning/me/messages/").content.decode()
    assert o.get(f"/learning/me/messages/{receipt.pk}/").status_code == 404
    assert o.post(url, {"title": "x", "body": "y"}).status_code == 404
    assert p.post(url, {"title": "x", "body": "y"}).status_code == 404  # a pupil cannot send


def test_another_schools_course_is_a_404_and_odd_input_no_500(city):
    from edudx.core.actor import Actor
    from edudx.learning import services
    from edudx.learning.models import ClassMessage
    from edudx.learning.schemas import CourseIn

    foreign = services.course_create(
        actor=Actor.system(source="test"), data=CourseIn(title="Khóa B1", class_id=city.classes[2].pk)
    )
    teacher = _client(city.users["teacher"])
    assert teacher.get(f"/learning/courses/{foreign.pk}/messages/").status_code == 404
    assert (
        teacher.post(f"/learning/courses/{foreign.pk}/messages/", {"title": "x", "body": "y"}).status_code
        == 404
    )
    assert teacher.get("/learning/me/messages/99999999/").status_code == 404
    assert teacher.get("/learning/me/messages/99999999999999999999999/").status_code == 404
    from edudx.learning.tests.conftest import build_lesson

    own = build_lesson(city).course
    r = teacher.post(f"/learning/courses/{own.pk}/messages/", {"title": "a\x00b" * 80, "body": "z" * 6000})
    assert r.status_code == 422 and not ClassMessage.objects.exists()
