"""cmi5 blocks: a course structure imported one block per AU; a launch writes LMS.LaunchData
and `launched`, the fetch URL gives the LRS token once, the AU's statements are accepted only
for its learner, registration and AU, and moveOn (CompletedAndPassed) satisfies the block."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from edudx.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
AU_HTML = b"<!doctype html><title>AU</title><p>Bai hoc</p>"


def structure(au_url="au/index.html", move_on="CompletedAndPassed", mastery="0.8", extra=""):
    return f"""<?xml version="1.0" encoding="utf-8"?>{extra}
<courseStructure xmlns="{NS}">
  <course id="https://edudx.example/cmi5/course/an-toan">
    <title><langstring lang="vi-VN">An toàn giao thông</langstring></title>
    <description><langstring lang="vi-VN">Khoá học ngắn</langstring></description>
  </course>
  <block id="https://edudx.example/cmi5/block/1">
    <title><langstring lang="vi-VN">Phần 1</langstring></title>
    <description><langstring lang="vi-VN">Phần 1</langstring></description>
    <au id="https://edudx.example/cmi5/au/1" moveOn="{move_on}" masteryScore="{mastery}">
      <title><langstring lang="vi-VN">Biển báo</langstring></title>
      <description><langstring lang="vi-VN">Nhận biết biển báo</langstring></description>
      <url>{au_url}</url>
    </au>
  </block>
  <au id="https://edudx.example/cmi5/au/2" moveOn="Completed">
    <title><langstring lang="vi-VN">Ôn tập</langstring></title>
    <description><langstring lang="vi-VN">Ôn tập</langstring></description>
    <url>https://au.example.vn/on-tap/index.html</url>
  </au>
</courseStructure>""".encode()


def cmi5_zip(xml: bytes | None = None, *, with_au: bool = True) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("cmi5.xml", xml or structure())
        if with_au:
            zf.writestr("au/index.html", AU_HTML)
    buf.seek(0)
    buf.name = "course.zip"
    return buf


def _lesson(city):
    from edudx.learning import services
    from edudx.learning.schemas import CourseIn, LessonIn

    teacher = city.actor_of("teacher")
    course = services.course_create(
        actor=teacher, data=CourseIn(title="GDCD 6A1", class_id=city.classes[0].pk)
    )
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="An toàn"))
    return teacher, course, lesson


def _publish(teacher, city, lesson):
    from edudx.learning import services
    from edudx.learning.schemas import AssignIn

    services.lesson_publish(actor=teacher, lesson=lesson)
    services.lesson_assign(
        actor=teacher,
        lesson=lesson,
        data=AssignIn(class_id=city.classes[0].pk, due_at=timezone.now() + dt.timedelta(days=3)),
    )


def _xapi(method, client, url, token, body=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    if method == "get":
        return client.get(url, params, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _stmt(actor, verb, activity, registration, session, result=None):
    s = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity},
        "context": {
            "registration": registration,
            "contextActivities": {"category": [{"id": "https://w3id.org/xapi/cmi5/context/categories/cmi5"}]},
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session},
        },
        "timestamp": timezone.now().isoformat(),
    }
    if result:
        s["result"] = result
    return s


def test_a_launched_au_fetches_its_token_once_and_moveon_satisfies_the_block(city):
    from edudx.learning.models import BlockProgress, Cmi5Registration
    from edudx.learning.services import interactive
    from edudx.lrs.models import Statement

    teacher, course, lesson = _lesson(city)
    blocks = interactive.cmi5_import(actor=teacher, lesson=lesson, upload=cmi5_zip())
    assert [b.au_id for b in blocks] == ["https://edudx.example/cmi5/au/1", "https://edudx.example/cmi5/au/2"]
    assert [b.title for b in blocks] == ["Biển báo", "Ôn tập"]
    _publish(teacher, city, lesson)
    au = blocks[0]
    pupil = Client()
    pupil.force_login(city.users["student"])
    launch = pupil.post(f"/learning/me/blocks/{au.pk}/cmi5/")
    assert launch.status_code == 302
    where = urlsplit(launch["Location"])
    assert where.path == f"/learning/packages/{au.package.uid}/au/index.html"
    q = {k: v[0] for k, v in parse_qs(where.query).items()}
    assert set(q) == {"endpoint", "fetch", "actor", "registration", "activityId"}
    assert q["endpoint"].endswith("/lrs/xapi/")
    # The AU's own file is served (sandboxed) without the session: the AU's frame carries none.
    page = Client().get(where.path)
    assert page.status_code == 200 and page["Content-Security-Policy"].startswith("sandbox allow-scripts")
    fetch = urlsplit(q["fetch"]).path
    first = Client().post(fetch)
    token = first.json()["auth-token"]
    assert first["Access-Control-Allow-Origin"] == "*"
    again = Client().post(fetch)
    assert again.status_code == 403 and again.json()["error-code"] == "1"
    assert Client().post("/learning/cmi5/fetch/not-a-session/").json()["error-code"] == "2"
    assert Client().get(fetch).status_code == 405
    lrs = Client()
    actor, reg, activity = json.loads(q["actor"]), q["registration"], q["activityId"]
    state = _xapi(
        "get", lrs, "/lrs/xapi/activities/state", token,
        stateId="LMS.LaunchData", activityId=activity, agent=q["actor"], registration=reg,
    )  # fmt: skip
    assert state.status_code == 200, state.content
    data = json.loads(state.content)
    assert data["moveOn"] == "CompletedAndPassed" and data["masteryScore"] == 0.8
    assert data["launchMode"] == "Normal" and data["returnURL"].endswith(f"/learning/me/lessons/{lesson.pk}/")
    session = data["contextTemplate"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]
    # Outside its launch the token may do nothing.
    other = {"objectType": "Agent", "account": {"homePage": "https://x.example", "name": "u999"}}
    assert (
        _xapi(
            "post", lrs, "/lrs/xapi/statements", token, _stmt(other, "initialized", activity, reg, session)
        ).status_code
        == 403
    )
    assert (
        _xapi(
            "post",
            lrs,
            "/lrs/xapi/statements",
            token,
            _stmt(actor, "initialized", activity, str(uuid.uuid4()), session),
        ).status_code
        == 403
    )
    assert (
        _xapi(
            "post",
            lrs,
            "/lrs/xapi/statements",
            token,
            _stmt(actor, "initialized", "https://evil.example/au", reg, session),
        ).status_code
        == 403
    )
    assert _xapi("get", lrs, "/lrs/xapi/statements", token).status_code == 403
    assert (
        _xapi(
            "get",
            lrs,
            "/lrs/xapi/activities/state",
            token,
            stateId="LMS.LaunchData",
            activityId="https://evil.example/au",
            agent=q["actor"],
            registration=reg,
        ).status_code
        == 403
    )
    assert (
        _xapi(
            "post",
            lrs,
            "/lrs/xapi/statements",
            "Y21pNS14eHg6eXl5",
            _stmt(actor, "initialized", activity, reg, session),
        ).status_code
        == 401
    )
    # The AU's session: initialized, completed (not yet satisfied), passed, terminated.
    for verb, result in [("initialized", None), ("completed", {"completion": True})]:
        assert (
            _xapi(
                "post", lrs, "/lrs/xapi/statements", token, _stmt(actor, verb, activity, reg, session, result)
            ).status_code
            == 200
        )
    registration = Cmi5Registration.objects.get(block=au)
    assert registration.satisfied_at is None
    passed = {"success": True, "score": {"scaled": 0.9}}
    for verb, result in [("passed", passed), ("terminated", None)]:
        assert (
            _xapi(
                "post", lrs, "/lrs/xapi/statements", token, _stmt(actor, verb, activity, reg, session, result)
            ).status_code
            == 200
        )
    registration.refresh_from_db()
    assert registration.satisfied_at is not None
    bp = BlockProgress.objects.get(block=au, user=city.users["student"])
    assert bp.done and str(bp.grade) == "90.00"
    verbs = [
        json.loads(s.data)["verb"]["id"].rsplit("/", 1)[-1]
        for s in Statement.objects.filter(data__contains=reg)
    ]
    assert verbs.count("launched") == 1 and verbs.count("satisfied") == 1
    assert {"initialized", "completed", "passed", "terminated"} <= set(verbs)
    # A second launch reuses the registration (cmi5) with a new session.
    again = {
        k: v[0]
        for k, v in parse_qs(
            urlsplit(pupil.post(f"/learning/me/blocks/{au.pk}/cmi5/")["Location"]).query
        ).items()
    }
    assert again["registration"] == reg and again["fetch"] != q["fetch"]


@pytest.mark.parametrize(
    "upload,code",
    [
        (lambda: io.BytesIO(b"<not xml"), "cmi5_not_xml"),
        (lambda: io.BytesIO(b"<?xml version='1.0'?><manifest/>"), "cmi5_not_course_structure"),
        (lambda: io.BytesIO(structure()), "cmi5_au_missing"),  # a relative url needs the zip
        (lambda: cmi5_zip(with_au=False), "cmi5_au_missing"),
        (lambda: cmi5_zip(structure(move_on="Whenever")), "cmi5_invalid"),
        (lambda: cmi5_zip(structure(mastery="2")), "cmi5_invalid"),
        (lambda: cmi5_zip(structure(au_url="javascript:alert(1)")), "cmi5_invalid"),
        (lambda: cmi5_zip(structure(au_url="../../etc/passwd")), "cmi5_au_missing"),
    ],
)
def test_a_bad_course_structure_is_refused_with_its_code(city, upload, code):
    from edudx.learning.models import InteractivePackage
    from edudx.learning.services import interactive

    teacher, course, lesson = _lesson(city)
    with pytest.raises(ValidationFailed) as caught:
        interactive.cmi5_import(actor=teacher, lesson=lesson, upload=upload())
    assert caught.value.code == code
    assert not InteractivePackage.objects.exists()


def test_an_external_entity_is_never_read(city):
    from edudx.learning.models import InteractivePackage
    from edudx.learning.services import interactive

    teacher, course, lesson = _lesson(city)
    xml = structure(
        au_url="https://a.example/au&x;", extra='<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    )
    try:
        interactive.cmi5_import(actor=teacher, lesson=lesson, upload=io.BytesIO(xml))
    except ValidationFailed:
        assert not InteractivePackage.objects.exists()
    else:
        assert "root:" not in json.dumps(InteractivePackage.objects.get().meta)
