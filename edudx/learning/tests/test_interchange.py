"""Questions in and out: QTI 2.1 (every kind the app grades goes out and comes back the same),
the documented XLSX template (its own examples import; a faulty row is named by row, column
and code, and nothing is imported)."""

import io
import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

KEYS = [
    ("single", "1/2 + 1/2 = ?", {"options": ["1", "2"], "correct": [0]}),
    ("multiple", "Số nguyên tố?", {"options": ["2", "4", "5"], "correct": [0, 2]}),
    ("true_false", "Hà Nội là thủ đô.", {"correct": True}),
    ("short", "Thủ đô của Việt Nam?", {"answers": ["Hà Nội", "Ha Noi"], "fold": True}),
    ("numeric", "Số pi?", {"value": 3.14, "tolerance": 0.01}),
    ("matching", "Nối", {"pairs": [["Việt Nam", "Hà Nội"], ["Lào", "Viêng Chăn"]]}),
    ("ordering", "Sắp xếp", {"items": ["1", "2", "3"]}),
    ("fill", "Sông ___ và sông ___", {"blanks": [["Hồng"], ["Sài Gòn", "Sai Gon"]], "fold": True}),
    ("essay", "Viết về mùa thu.", {}),
]


def _bank(city, built):
    from edudx.learning import services
    from edudx.learning.schemas import QuestionIn

    teacher = city.actor_of("teacher")
    made = [
        services.question_create(
            actor=teacher, course=built.course, data=QuestionIn(kind=kind, text=text, data=data, points=2)
        )
        for kind, text, data in KEYS
    ]
    return teacher, made


def test_every_kind_goes_out_as_qti_21_and_comes_back_the_same(city, built):
    from edudx.learning import qti, services
    from edudx.learning.schemas import CourseIn

    teacher, ours = _bank(city, built)
    data = qti.package(ours)
    other = services.course_create(actor=teacher, data=CourseIn(title="Khác", class_id=city.classes[0].pk))
    done = services.questions_import_qti(actor=teacher, course=other, data=data)
    assert done.skipped == []
    got = sorted((q.kind, q.text, json.dumps(q.data), float(q.points)) for q in done.created)
    assert got == sorted((k, t, json.dumps(d), 2.0) for k, t, d in KEYS)
    one = services.questions_import_qti(actor=teacher, course=other, data=qti.item_xml(ours[0]))
    assert [q.kind for q in one.created] == [ours[0].kind]


def _xlsx(rows):
    from edudx.core.exports import Column, Sheet, xlsx_book

    cols = [Column(h) for h in ("kind", "question", "options", "answer", "tolerance", "points", "topic")]
    return xlsx_book([Sheet(name="Câu hỏi", columns=cols, rows=rows)])


def test_the_xlsx_template_imports_and_faults_are_named_by_row_and_column(city, built):
    from edudx.learning import services, xlsx_questions
    from edudx.learning.models import Question

    teacher = city.actor_of("teacher")
    done = services.questions_import_xlsx(actor=teacher, course=built.course, data=xlsx_questions.template())
    assert done.errors == [] and sorted(q.kind for q in done.created) == sorted(xlsx_questions.KINDS)
    short = next(q for q in done.created if q.kind == "short")
    assert short.data == {"answers": ["Hà Nội", "Ha Noi"], "fold": True}
    before = Question.objects.count()
    bad = _xlsx(
        [
            ("single", "Câu đúng", "a|b", "1", None, 1, ""),
            ("choice", "Loại lạ", "", "", None, 1, ""),
            ("single", "Số thứ tự ngoài", "a|b", "3", None, 1, ""),
            ("numeric", "Số", "", "ba", None, 1, ""),
            ("matching", "Nối", "a-b", "", None, 1, ""),
            ("true_false", "Đúng sai", "", "có lẽ", None, 1, ""),
            ("short", "", "", "x", None, 1, ""),
            ("essay", "Điểm âm", "", "", None, -1, ""),
        ]
    )
    done = services.questions_import_xlsx(actor=teacher, course=built.course, data=bad)
    assert [(e.row, e.column, e.code) for e in done.errors] == [
        (3, "A", "bad_kind"),
        (4, "D", "bad_option"),
        (5, "D", "bad_number"),
        (6, "C", "bad_pair"),
        (7, "D", "bad_true_false"),
        (8, "B", "required"),
        (9, "F", "bad_number"),
    ]
    assert done.created == [] and Question.objects.count() == before  # all or nothing
    assert services.questions_import_xlsx(actor=teacher, course=built.course, data=b"PK junk").errors[
        0
    ].code == ("not_xlsx")


def test_the_pages_download_and_import_and_refuse_foreign_courses(city, built):
    from edudx.learning import services
    from edudx.learning.schemas import CourseIn

    c = Client()
    c.force_login(city.users["teacher"])
    r = c.get("/learning/questions/template.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    template = io.BytesIO(r.content)
    template.name = "mau.xlsx"
    r = c.post(f"/learning/courses/{built.course.pk}/questions/import/", {"file": template, "format": "xlsx"})
    assert r.status_code == 302 and built.course.questions.count() == 2 + 9
    r = c.get(f"/learning/courses/{built.course.pk}/questions.qti21.zip")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    b1 = services.course_create(
        actor=city.actor_of("dept_admin"), data=CourseIn(title="B1", class_id=city.classes[2].pk)
    )
    assert c.get(f"/learning/courses/{b1.pk}/questions.qti21.zip").status_code == 404
    junk = io.BytesIO(b"junk")
    junk.name = "x.xlsx"
    r = c.post(f"/learning/courses/{b1.pk}/questions/import/", {"file": junk, "format": "xlsx"})
    assert r.status_code == 404
