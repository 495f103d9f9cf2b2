"""What an outsider types into the registry's create/edit forms: never a server error, and
another school is not a choice."""

from edudx.core.roles import Role
from edudx.registry.models import Student


def test_people_and_class_forms_refuse_bad_and_foreign_input_on_the_form(client_for, city):
    c = client_for(Role.SCHOOL_ADMIN)
    r = c.post(
        "/registry/students/new/", {"school": city.schools[0].pk, "full_name": "A" * 500, "gender": "male"}
    )
    assert r.status_code == 200 and "full_name" in r.context["form"].errors
    foreign = {"school": city.schools[2].pk, "full_name": "Lê Văn Tư", "gender": "male"}
    r = c.post("/registry/students/new/", foreign)
    assert r.status_code == 200 and "school" in r.context["form"].errors  # not a choice
    assert not Student.objects.filter(full_name="Lê Văn Tư").exists()
    klass, foreign_teacher = city.classes[0], city.staff[2]  # a teacher of school B1
    body = {"grade": "6", "name": "6A1", "homeroom_teacher": foreign_teacher.pk}
    r = c.post(f"/registry/classes/{klass.pk}/edit/", body)
    assert r.status_code == 200 and "homeroom_teacher" in r.context["form"].errors
    body = {"full_name": "X\x00Y", "gender": "male", "position": "giao_vien", "status": "working"}
    r = c.post(f"/registry/staff/{city.staff[0].pk}/edit/", body)
    assert r.status_code == 200 and "full_name" in r.context["form"].errors
