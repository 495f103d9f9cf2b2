"""H5P blocks: a real package unpacked into media storage, hostile packages refused with a code
and nothing written, the player's statements stored as the signed-in learner's (never the
client's actor), a `completed` with a score completing the block and grading the lesson."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import translation

from edudx.core.errors import NotFound, PermissionDenied, ValidationFailed

from .h5p_package import MANIFEST, files, h5p_lesson, h5p_zip

pytestmark = pytest.mark.django_db


def _packages() -> set[str]:
    try:
        dirs, _files = default_storage.listdir("learning/packages")
    except FileNotFoundError:
        return set()
    return set(dirs)


def test_a_real_package_is_unpacked_and_served_to_its_learners_only(city):
    course, lesson, block = h5p_lesson(city)
    pkg = block.package
    assert (pkg.kind, pkg.main, pkg.title, pkg.files) == ("h5p", "H5P.EdudxHello 1.0", "Chào lớp 6A1", 5)
    assert default_storage.exists(f"learning/packages/{pkg.uid}/H5P.EdudxHello-1.0/hello.js")
    pupil = Client()
    pupil.force_login(city.users["student"])
    page = pupil.get(f"/learning/me/lessons/{lesson.pk}/")
    assert f"/learning/me/blocks/{block.pk}/h5p/" in page.content.decode()
    player = pupil.get(f"/learning/me/blocks/{block.pk}/h5p/")
    assert player.status_code == 200 and player["X-Frame-Options"] == "SAMEORIGIN"
    csp = player["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "'unsafe-inline'" in csp and "unsafe-eval" not in csp
    assert b"vendor/h5p-standalone/main.bundle.js" in player.content
    assert b'"csrf": "' in player.content  # the frame posts statements with the session's token
    lib = pupil.get(f"/learning/packages/{pkg.uid}/H5P.EdudxHello-1.0/hello.js")
    assert lib.status_code == 200 and b"EdudxHello" in b"".join(lib.streaming_content)
    assert lib["Content-Security-Policy"].startswith("sandbox")
    # A teacher of another school, and a name outside the package, get nothing.
    from edudx.accounts import services as accounts
    from edudx.core.roles import Role

    outsider = accounts.user_create(
        actor=city.actor_of("dept_admin"), username="t_other_teacher", full_name="Khác", password="x" * 12
    )
    accounts.membership_grant(
        actor=city.actor_of("dept_admin"), user=outsider, role=Role.TEACHER, unit=city.schools[1].unit
    )
    other = Client()
    other.force_login(outsider)
    assert other.get(f"/learning/packages/{pkg.uid}/h5p.json").status_code == 404
    assert other.get(f"/learning/me/blocks/{block.pk}/h5p/").status_code == 404
    assert pupil.get(f"/learning/packages/{pkg.uid}/../{pkg.uid}/h5p.json").status_code == 404
    assert Client().get(f"/learning/packages/{pkg.uid}/h5p.json").status_code == 404


def _zip_raw(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            zf.writestr(info, data)
    buf.seek(0)
    return buf


def _symlink() -> io.BytesIO:
    info = zipfile.ZipInfo("content/link.json")
    info.external_attr = 0o120777 << 16
    return _zip_raw([*files().items(), (info, b"/etc/passwd")])


HOSTILE = {
    "package_not_zip": lambda: io.BytesIO(b"not a zip at all"),
    "h5p_no_manifest": lambda: h5p_zip(files({"h5p.json": None})),
    "h5p_no_content": lambda: h5p_zip(files({"content/content.json": None})),
    "h5p_bad_manifest": lambda: h5p_zip(files({"h5p.json": b"[1, 2]"})),
    "package_manifest_too_large": lambda: h5p_zip(
        files({"h5p.json": json.dumps({**MANIFEST, "pad": "x" * 300_000}).encode()})
    ),
    "package_unsafe_path": lambda: _zip_raw([*files().items(), ("../evil.js", b"alert(1)")]),
    "package_symlink": _symlink,
    "package_bomb": lambda: h5p_zip(files({"content/big.json": b"0" * (3 * 1024 * 1024)})),
    "h5p_script_outside_library": lambda: h5p_zip(files({"content/evil.js": b"alert(1)"})),
    "h5p_stray_file": lambda: h5p_zip(files({"index.html": b"<script>alert(1)</script>"})),
    "h5p_file_type": lambda: h5p_zip(files({"content/page.html": b"<script>alert(1)</script>"})),
    "h5p_missing_library": lambda: h5p_zip(
        {k: v for k, v in files().items() if not k.startswith("H5P.EdudxHello")}
    ),
    "h5p_library_incomplete": lambda: h5p_zip(files({"H5P.EdudxHello-1.0/hello.js": None})),
}


@pytest.mark.parametrize("code", sorted(HOSTILE))
def test_a_hostile_package_is_refused_with_its_code_and_nothing_written(city, code):
    from edudx.learning import services
    from edudx.learning.models import Block, InteractivePackage
    from edudx.learning.schemas import CourseIn, LessonIn
    from edudx.learning.services import interactive

    teacher = city.actor_of("teacher")
    course = services.course_create(actor=teacher, data=CourseIn(title="T", class_id=city.classes[0].pk))
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="L"))
    before = _packages()
    with pytest.raises(ValidationFailed) as caught:
        interactive.h5p_add(actor=teacher, lesson=lesson, upload=HOSTILE[code]())
    assert caught.value.code == code
    with translation.override("vi"):
        assert str(caught.value.message) and not str(caught.value.message).startswith(("The ", "A "))
    assert _packages() == before
    assert not InteractivePackage.objects.exists() and not Block.objects.filter(lesson=lesson).exists()


def test_the_upload_page_refuses_a_pupil_and_shows_the_coded_error(city):
    from edudx.learning import services
    from edudx.learning.schemas import CourseIn, LessonIn

    teacher = city.actor_of("teacher")
    course = services.course_create(actor=teacher, data=CourseIn(title="T", class_id=city.classes[0].pk))
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="L"))
    t = Client()
    t.force_login(city.users["teacher"])
    url = f"/learning/lessons/{lesson.pk}/package/"
    assert t.get(url).status_code == 200
    bad = t.post(url, {"kind": "h5p", "file": h5p_zip(files({"content/evil.js": b"x"}), name="x.h5p")})
    assert bad.status_code == 400 and "h5p_script_outside_library" in bad.content.decode()
    ok = t.post(url, {"kind": "h5p", "title": "Bài tương tác", "file": h5p_zip()})
    assert ok.status_code == 302 and lesson.blocks.get().title == "Bài tương tác"
    with pytest.raises(ValidationFailed):  # the plain block form cannot make an empty H5P block
        from edudx.learning.schemas import BlockIn

        services.block_add(actor=teacher, lesson=lesson, data=BlockIn(kind="h5p"))
    p = Client()
    p.force_login(city.users["student"])
    assert p.post(url, {"kind": "h5p", "file": h5p_zip()}).status_code in (403, 404)


def _statement(block, verb="completed", *, scaled=0.8, actor=None, obj=None):
    from edudx.learning.services.interactive import h5p_iri

    return {
        "actor": actor
        or {"objectType": "Agent", "mbox": "mailto:someone-else@example.com", "name": "Kẻ giả"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": obj
        or {"objectType": "Activity", "id": h5p_iri(block), "definition": {"name": {"vi": "Chào"}}},
        "result": {
            "score": {"scaled": scaled, "raw": 4, "min": 0, "max": 5},
            "completion": True,
            "success": True,
        },
        "context": {"registration": "00000000-0000-4000-8000-000000000000", "extensions": {"x:evil": 1}},
    }


def test_the_players_statements_are_the_learners_and_completed_grades_the_block(city):
    from edudx.learning.models import BlockProgress, Progress
    from edudx.learning.statements import agent
    from edudx.lrs.models import Statement

    course, lesson, block = h5p_lesson(city)
    pupil = Client()
    pupil.force_login(city.users["student"])
    url = f"/learning/me/blocks/{block.pk}/h5p/xapi/"
    answered = _statement(block, "answered")
    answered["object"]["id"] += "?subContentId=0c1d2e3f"
    assert pupil.post(url, answered, content_type="application/json").status_code == 200
    assert not BlockProgress.objects.filter(block=block, done=True).exists()
    done = pupil.post(url, _statement(block), content_type="application/json")
    assert done.status_code == 200, done.content
    stored = json.loads(Statement.objects.get(statement_id=done.json()["id"]).data)
    assert stored["actor"] == agent(city.users["student"].pk)  # the client's actor is never used
    assert "x:evil" not in json.dumps(stored["context"])
    assert stored["result"]["score"]["scaled"] == 0.8
    assert {a["id"] for a in stored["context"]["contextActivities"]["parent"]} == {
        f"https://edudx.hcm.edu.vn/lrs/learning/courses/{course.pk}"
    }
    bp = BlockProgress.objects.get(block=block, user=city.users["student"])
    assert bp.done and str(bp.grade) == "80.00"
    progress = Progress.objects.get(lesson=lesson, user=city.users["student"])
    assert progress.completed_at is not None and str(progress.score) == "80.00" and progress.passed is True


@pytest.mark.parametrize(
    "body,status,code",
    [
        ("not json", 400, "h5p_bad_statement"),
        ("[1]", 422, "h5p_bad_statement"),
        ('{"verb": {"id": "http://adlnet.gov/expapi/verbs/completed"}}', 422, "h5p_bad_statement"),
        ("FOREIGN", 422, "h5p_foreign_object"),
        ("BADVERB", 422, "xapi_400"),
        ("[" * 5000 + "]" * 5000, 400, "h5p_bad_statement"),
        ("x" * 70_000, 413, "h5p_statement_too_large"),
    ],
)
def test_the_xapi_door_refuses_what_is_not_this_blocks_statement(city, body, status, code):
    course, lesson, block = h5p_lesson(city)
    if body == "FOREIGN":
        body = json.dumps(_statement(block, obj={"objectType": "Activity", "id": "https://evil.example/x"}))
    elif body == "BADVERB":
        stmt = _statement(block)
        stmt["verb"]["id"] = "not an iri"
        body = json.dumps(stmt)
    pupil = Client()
    pupil.force_login(city.users["student"])
    resp = pupil.post(f"/learning/me/blocks/{block.pk}/h5p/xapi/", body, content_type="application/json")
    assert resp.status_code == status and resp.json()["error"]["code"] == code


def test_a_foreign_block_and_a_non_learner_get_404(city, built):
    course, lesson, block = h5p_lesson(city)
    from edudx.learning.services import interactive

    teacher = city.actor_of("teacher")
    with pytest.raises((NotFound, PermissionDenied)):
        interactive.h5p_statement(actor=teacher, block=block, statement=_statement(block))
    pupil = Client()
    pupil.force_login(city.users["student"])
    quiz_block = built.blocks[3]
    assert (
        pupil.post(
            f"/learning/me/blocks/{quiz_block.pk}/h5p/xapi/", "{}", content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        pupil.post("/learning/me/blocks/999999/h5p/xapi/", "{}", content_type="application/json").status_code
        == 404
    )
