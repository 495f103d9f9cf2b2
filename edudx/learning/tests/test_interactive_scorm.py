"""SCORM blocks: both versions' manifests read (version by schemaversion, else by namespace; the
default organization's items), hostile zips refused by the shared archive checks with nothing
written, and the commit door: the learner's own attempt only (a foreign block 404, another
learner's attempt 404), junk run-time values coded 400 (never 500), resume data kept, and the
commits turned into the xAPI SCORM profile's statements in the LRS, completing the block."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from edudx.core.errors import ValidationFailed
from edudx.learning.interactive import scorm
from edudx.learning.interactive.samples import HERE, scorm_zip

from .test_interactive_h5p import _zip_raw as _raw

pytestmark = pytest.mark.django_db


def _read(buf: io.BytesIO) -> scorm.ScormPackage:
    with zipfile.ZipFile(buf) as zf:
        return scorm.read(zf)


def test_both_versions_manifests_are_read():
    one = _read(scorm_zip("1.2"))
    assert (one.version, one.title) == ("1.2", "Ôn tập phân số (SCORM)")
    assert one.items == [
        {"id": "sco-1", "title": "Ôn tập phân số", "href": "index.html", "sco": True, "mastery": "50"}
    ]
    two = _read(scorm_zip("2004"))
    assert two.version == "2004" and two.items[0]["href"] == "index.html?lop=6" and two.items[0]["sco"]
    # Without schemaversion the namespaces tell the version.
    for version in ("1.2", "2004"):
        text = (HERE / "scorm" / f"imsmanifest-{version}.xml").read_text()
        bare = text.split("<metadata>")[0] + text.split("</metadata>")[1]
        assert _read(scorm_zip(version, extra={"imsmanifest.xml": bare.encode()})).version == version


def _sample() -> list[tuple[zipfile.ZipInfo | str, bytes]]:
    with zipfile.ZipFile(scorm_zip("1.2")) as zf:
        return [(n, zf.read(n)) for n in zf.namelist()]


def _symlink() -> io.BytesIO:
    info = zipfile.ZipInfo("link.html")
    info.external_attr = 0o120777 << 16
    return _raw([*_sample(), (info, b"/etc/passwd")])


MANIFEST_12 = (HERE / "scorm" / "imsmanifest-1.2.xml").read_text()
HOSTILE = {
    "package_unsafe_path": lambda: _raw([*_sample(), ("../evil.html", b"x")]),
    "package_unsafe_path/absolute": lambda: _raw([*_sample(), ("/etc/cron.d/x", b"x")]),
    "package_symlink": _symlink,
    "package_bomb": lambda: scorm_zip(extra={"big.txt": b"0" * (3 * 1024 * 1024)}),
    "scorm_no_manifest": lambda: _raw([(n, d) for n, d in _sample() if n != "imsmanifest.xml"]),
    "scorm_not_xml": lambda: scorm_zip(extra={"imsmanifest.xml": b"<manifest"}),
    "scorm_launch_missing": lambda: _raw([(n, d) for n, d in _sample() if n != "index.html"]),
    "scorm_unknown_version": lambda: scorm_zip(
        extra={"imsmanifest.xml": b'<manifest xmlns="urn:x"><organizations/><resources/></manifest>'}
    ),
    "scorm_invalid": lambda: scorm_zip(
        extra={"imsmanifest.xml": MANIFEST_12.replace('href="index.html"', 'href="https://evil.example/x"', 1).encode()}
    ),
    # An external entity is never resolved: the manifest is refused, /etc/passwd never read.
    "scorm_not_xml/entity": lambda: scorm_zip(
        extra={"imsmanifest.xml": b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<manifest>&x;</manifest>"}
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_scorm_zip_is_refused_with_its_code_and_nothing_written(city, case):
    from edudx.learning import services
    from edudx.learning.models import Block, InteractivePackage
    from edudx.learning.schemas import CourseIn, LessonIn
    from edudx.learning.services import scorm as scorm_services

    teacher = city.actor_of("teacher")
    course = services.course_create(actor=teacher, data=CourseIn(title="T", class_id=city.classes[0].pk))
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="L"))
    with pytest.raises(ValidationFailed) as caught:
        scorm_services.scorm_add(actor=teacher, lesson=lesson, upload=HOSTILE[case]())
    assert caught.value.code in (case.split("/")[0], "scorm_no_manifest")
    assert not InteractivePackage.objects.exists() and not Block.objects.filter(lesson=lesson).exists()


def scorm_lesson(city, version: str = "1.2"):
    """A published lesson of one SCORM block, assigned to the pupil's class."""
    import datetime as dt

    from django.utils import timezone

    from edudx.learning import services
    from edudx.learning.schemas import AssignIn, CourseIn, LessonIn
    from edudx.learning.services import scorm as scorm_services

    teacher = city.actor_of("teacher")
    course = services.course_create(
        actor=teacher, data=CourseIn(title="Toán 6A1 SCORM", class_id=city.classes[0].pk, subject="toan")
    )
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="Ôn tập"))
    block = scorm_services.scorm_add(actor=teacher, lesson=lesson, upload=scorm_zip(version))[0]
    services.lesson_publish(actor=teacher, lesson=lesson)
    services.lesson_assign(
        actor=teacher, lesson=lesson,
        data=AssignIn(class_id=city.classes[0].pk, due_at=timezone.now() + dt.timedelta(days=3)),
    )  # fmt: skip
    block.refresh_from_db()
    return course, lesson, block


def _config(page) -> dict:
    html = page.content.decode()
    start = html.index('id="scorm-config"')
    return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])


def _verbs(block) -> list[str]:
    from edudx.lrs.models import Statement

    out = []
    for s in Statement.objects.order_by("pk"):
        data = json.loads(s.data)
        if data["object"]["id"].endswith(f"/blocks/{block.pk}/sco"):
            out.append(data["verb"]["id"].rsplit("/", 1)[-1])
    return out


def test_commits_resume_complete_the_block_and_leave_statements(city):
    from edudx.learning.models import BlockProgress, ScormAttempt

    _course, lesson, block = scorm_lesson(city)
    pupil = Client()
    pupil.force_login(city.users["student"])
    assert (
        f"/learning/me/blocks/{block.pk}/scorm/"
        in pupil.get(f"/learning/me/lessons/{lesson.pk}/").content.decode()
    )
    page = pupil.get(f"/learning/me/blocks/{block.pk}/scorm/")
    assert page.status_code == 200 and b"vendor/scorm-again/scorm12.min.js" in page.content
    cfg = _config(page)
    assert cfg["version"] == "1.2" and cfg["launchUrl"].endswith("/index.html")
    assert cfg["data"]["cmi.core.entry"] == "ab-initio" and cfg["data"]["cmi.core.student_id"].startswith("u")
    sco = pupil.get(cfg["launchUrl"])
    assert sco.status_code == 200 and sco["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in sco["Content-Security-Policy"]
    url = cfg["commitUrl"]
    assert (
        pupil.post(url + "?initialize=true", "{}", content_type="application/json").json()["result"] == "true"
    )
    suspend = {
        "cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": "2", "cmi.suspend_data": "trang=2",
        "cmi.core.exit": "suspend", "cmi.core.session_time": "0000:00:45", "cmi.interactions.0.id": "ignored",
    }  # fmt: skip
    # The terminate commit comes by sendBeacon: text/plain, no CSRF header (the key is the secret).
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(city.users["student"])
    assert (
        csrf.post(url + "?terminate=true", json.dumps(suspend), content_type="text/plain").status_code == 200
    )
    resumed = _config(pupil.get(f"/learning/me/blocks/{block.pk}/scorm/"))["data"]
    assert resumed["cmi.core.entry"] == "resume" and resumed["cmi.suspend_data"] == "trang=2"
    assert resumed["cmi.core.lesson_location"] == "2" and "cmi.core.exit" not in resumed
    assert not BlockProgress.objects.filter(block=block, done=True).exists()
    pupil.post(url + "?initialize=true", "{}", content_type="application/json")
    done = {
        "cmi.core.lesson_status": "completed",
        "cmi.core.score.raw": "80",
        "cmi.core.session_time": "0000:01:30",
    }
    assert pupil.post(url + "?terminate=true", json.dumps(done), content_type="text/plain").status_code == 200
    bp = BlockProgress.objects.get(block=block, user=city.users["student"])
    assert bp.done and str(bp.grade) == "80.00"
    attempt = ScormAttempt.objects.get(block=block)
    assert (attempt.completion, attempt.success, attempt.total_seconds) == ("completed", "passed", 135)
    # The mastery score (50) passes the raw 80 the SCO reported with "completed" only.
    assert _verbs(block) == [
        "initialized",
        "suspended",
        "resumed",
        "scored",
        "completed",
        "passed",
        "terminated",
    ]


def test_scorm_2004_commit_passes_and_statements_carry_the_profile(city):
    from edudx.learning.models import BlockProgress
    from edudx.lrs.models import Statement

    _course, _lesson, block = scorm_lesson(city, "2004")
    pupil = Client()
    pupil.force_login(city.users["student"])
    cfg = _config(pupil.get(f"/learning/me/blocks/{block.pk}/scorm/"))
    assert cfg["version"] == "2004" and cfg["launchUrl"].endswith("index.html?lop=6")
    body = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.9",
            "cmi.session_time": "PT1M5.5S"}  # fmt: skip
    assert (
        pupil.post(
            cfg["commitUrl"] + "?terminate=true", json.dumps(body), content_type="text/plain"
        ).status_code
        == 200
    )
    assert str(BlockProgress.objects.get(block=block).grade) == "90.00"
    stored = [json.loads(s.data) for s in Statement.objects.all()]
    passed = [s for s in stored if s["verb"]["id"].endswith("/passed") and s["object"]["id"].endswith("/sco")]
    assert len(passed) == 1
    ctx = passed[0]["context"]
    assert ctx["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/scorm"
    assert passed[0]["actor"]["account"]["name"] == f"u{city.users['student'].pk}"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("not json", 400, "scorm_bad_commit"),
        ("[1, 2]", 400, "scorm_bad_commit"),
        (json.dumps({"cmi.core.lesson_status": "mastered"}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.core.score.raw": "1e400"}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.core.score.raw": "NaN"}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.core.score.raw": 101}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.core.score.raw": True}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.core.session_time": "PT1H"}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.suspend_data": "x" * 5000}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.core.lesson_location": {"a": 1}}), 400, "scorm_bad_value"),
        (json.dumps({"cmi.suspend_data": "y" * 600_000}), 413, "scorm_commit_too_large"),
    ],
)
def test_junk_run_time_values_are_coded_400_never_500(city, body, status, code):
    _course, _lesson, block = scorm_lesson(city)
    pupil = Client()
    pupil.force_login(city.users["student"])
    url = _config(pupil.get(f"/learning/me/blocks/{block.pk}/scorm/"))["commitUrl"]
    resp = pupil.post(url, body, content_type="application/json")
    assert resp.status_code == status and resp.json()["error"]["code"] == code


def test_a_foreign_block_and_another_learners_attempt_are_404(city, built):
    from edudx.learning.models import ScormAttempt

    _course, _lesson, block = scorm_lesson(city)
    pupil = Client()
    pupil.force_login(city.users["student"])
    url = _config(pupil.get(f"/learning/me/blocks/{block.pk}/scorm/"))["commitUrl"]
    teacher = Client()
    teacher.force_login(city.users["teacher"])  # not a learner of the block
    assert teacher.get(f"/learning/me/blocks/{block.pk}/scorm/").status_code == 404
    assert teacher.post(url, "{}", content_type="application/json").status_code == 404
    assert (
        pupil.get(f"/learning/me/blocks/{built.blocks[0].pk}/scorm/").status_code == 404
    )  # not a SCORM block
    assert pupil.post("/learning/me/scorm/00000000-0000-0000-0000-000000000000/commit/", "{}",
                      content_type="application/json").status_code == 404  # fmt: skip
    assert ScormAttempt.objects.get().cmi == {}
