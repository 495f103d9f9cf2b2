"""A course goes out as an IMS Common Cartridge 1.3 (valid against the library's CC 1.3 XSDs)
and comes back into a new course; hostile packages are refused with a code and write nothing."""

import io
import zipfile

import pytest
from django.test import Client

from edudx.core.errors import NotFound
from edudx.library.tests.test_cartridge import validate_cartridge

pytestmark = pytest.mark.django_db


def _counts():
    from edudx.learning.models import Block, Course, Question, Quiz

    return Course.objects.count(), Block.objects.count(), Question.objects.count(), Quiz.objects.count()


def test_a_course_exports_as_a_valid_cartridge_and_imports_back(city, built):
    from edudx.learning import services
    from edudx.learning.cartridge import export, qti12
    from edudx.learning.models import Block

    teacher = city.actor_of("teacher")
    out = export.build(scope=teacher.scope, course=built.course)
    zf, manifest = validate_cartridge(out.data)  # the library's CC 1.3 XSDs + references + files
    ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"}
    types = sorted(r.get("type") for r in manifest.findall(".//cp:resource", ns))
    assert types == sorted(
        ["webcontent", "webcontent", "imswl_xmlv1p3", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"]
    )
    lesson_item = manifest.find(".//cp:organization/cp:item/cp:item/cp:item", ns)
    assert lesson_item.find("cp:title", ns).text == built.lesson.title
    qti = [n for n in zf.namelist() if n.endswith("assessment.xml")]
    assert b"cc.multiple_choice.v0p1" in zf.read(qti[0]) and b"cc.fib.v0p1" in zf.read(qti[0])
    assert out.left_out == 0

    done = services.course_import(actor=teacher, data=out.data, class_id=city.classes[0].pk)
    copy = done.course
    assert copy.pk != built.course.pk and copy.title == built.course.title
    assert [ls.title for ls in copy.lessons.all()] == [built.lesson.title]
    kinds = list(Block.objects.filter(lesson__course=copy).values_list("kind", flat=True))
    assert kinds == ["text", "video", "quiz"]  # the PDF resource is left out: files go to the library
    assert done.skipped == 1
    quiz = copy.quizzes.get()
    questions = sorted((i.question.kind, i.question.text, i.question.data) for i in quiz.items.all())
    assert questions == sorted(
        [
            ("single", "1/2 + 1/2 = ?", {"options": ["1", "2"], "correct": [0]}),
            ("short", "Thủ đô của Việt Nam?", {"answers": ["Hà Nội"], "fold": True}),
        ]
    )
    assert done.questions == 2 and done.lessons == 1
    assert qti12.KINDS["cc.true_false.v0p1"] == "true_false"


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1" identifier="M">
<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion></metadata>
<organizations><organization identifier="O" structure="rooted-hierarchy"><item identifier="ROOT">
<item identifier="S"><title>Chuong 1</title><item identifier="L" identifierref="R"><title>Bai 1</title></item></item>
</item></organization></organizations>
<resources><resource identifier="R" type="webcontent" href="%s"><file href="%s"/></resource></resources>
</manifest>"""


def _manifest(href: str) -> bytes:
    return MANIFEST % (href.encode(), href.encode())


HOSTILE = {
    "cc_not_zip": lambda: b"PK\x03\x04 not really a zip",
    "cc_no_manifest": lambda: _zip({"a.html": b"<p>x</p>"}),
    "cc_bad_xml": lambda: _zip({"imsmanifest.xml": b"<manifest><unclosed></manifest>"}),
    "cc_not_cartridge": lambda: _zip({"imsmanifest.xml": b"<manifest xmlns='urn:other'/>"}),
    "cc_unsafe_path": lambda: _zip({"imsmanifest.xml": _manifest("a.html"), "../../etc/evil.html": b"x"}),
    "cc_missing_file": lambda: _zip({"imsmanifest.xml": _manifest("nowhere.html")}),
    # a zip bomb: 150 MB of zeros in a few hundred kilobytes
    "cc_too_large": lambda: _zip({"imsmanifest.xml": _manifest("a.html"), "a.html": b"\0" * (150 * 1024**2)}),
    "cc_manifest_too_large": lambda: _zip(
        {
            "imsmanifest.xml": _manifest("a.html").replace(
                b"<resources>", b"<!--" + b"x" * (6 * 1024**2) + b"-->" + b"<resources>"
            ),
            "a.html": b"x",
        }
    ),
}


@pytest.mark.parametrize("code", sorted(HOSTILE))
def test_hostile_packages_are_refused_with_a_code_and_nothing_written(city, code):
    from edudx.learning import services
    from edudx.learning.cartridge import CartridgeError

    before = _counts()
    with pytest.raises(CartridgeError) as e:
        services.course_import(
            actor=city.actor_of("teacher"), data=HOSTILE[code](), class_id=city.classes[0].pk
        )
    assert e.value.code == code
    assert _counts() == before


def test_entities_are_refused_and_a_foreign_class_writes_nothing(city):
    from edudx.learning import services
    from edudx.learning.cartridge import CartridgeError

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><m>&b;</m>'
    )
    with pytest.raises(CartridgeError) as e:
        services.course_import(actor=city.actor_of("teacher"), data=_zip({"imsmanifest.xml": laughs}))
    assert e.value.code == "cc_bad_xml"
    ok = _zip(
        {
            "imsmanifest.xml": _manifest("a.html"),
            "a.html": b"<html><body><p>Xin chao</p><script>x()</script></body></html>",
        }
    )
    before = _counts()
    with pytest.raises(NotFound):  # B1's class is not the teacher's
        services.course_import(actor=city.actor_of("teacher"), data=ok, class_id=city.classes[2].pk)
    assert _counts() == before
    done = services.course_import(actor=city.actor_of("teacher"), data=ok, class_id=city.classes[0].pk)
    block = done.course.lessons.get().blocks.get()
    assert block.html == "<p>Xin chao</p>"  # sanitised: the script is gone


def test_the_pages_export_and_import_and_answer_a_bad_file_in_vietnamese(city, built):
    c = Client()
    c.force_login(city.users["teacher"])
    r = c.get(f"/learning/courses/{built.course.pk}/cartridge.imscc")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert c.get("/learning/import/cartridge/").status_code == 200
    bad = io.BytesIO(b"not a zip")
    bad.name = "x.imscc"
    r = c.post("/learning/import/cartridge/", {"file": bad, "kind": "class", "class_id": city.classes[0].pk})
    assert r.status_code == 422 and "cc_not_zip" in r.content.decode()
    good = io.BytesIO(
        r.content if False else c.get(f"/learning/courses/{built.course.pk}/cartridge.imscc").content
    )
    good.name = "course.imscc"
    r = c.post("/learning/import/cartridge/", {"file": good, "kind": "class", "class_id": city.classes[0].pk})
    assert r.status_code == 302
    pupil = Client()
    pupil.force_login(city.users["student"])
    assert pupil.get("/learning/import/cartridge/").status_code in (403, 404)
