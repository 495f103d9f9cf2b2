"""Issue #15 item 3, cmi5 as the specification means it: the AU is another web site. A separate
process (python -m http.server on 127.0.0.1:8181) serves our sample AU; a pupil on a phone
(390 px) launches it from the lesson, the AU fetches its token once from our fetch URL, reads
LMS.LaunchData and sends initialized, completed and terminated to our LRS over HTTP (CORS), and
the AU's moveOn (Completed) satisfies and completes the block."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import time
import urllib.request

import pytest

AU_PORT = 8181


@pytest.fixture
def au_server():
    from edudx.learning.interactive.samples import HERE

    proc = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-m",
            "http.server",
            str(AU_PORT),
            "--bind",
            "127.0.0.1",
            "--directory",
            str(HERE / "cmi5"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{AU_PORT}/au/index.html", timeout=1).close()  # noqa: S310
            break
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "the AU server did not start"
            time.sleep(0.2)
    yield f"http://127.0.0.1:{AU_PORT}"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.browser
def test_an_au_on_its_own_site_fetches_its_token_and_completes_the_block(
    live_city, live_server, page, login, au_server
):
    from django.utils import timezone

    from edudx.learning import services
    from edudx.learning.interactive.samples import HERE
    from edudx.learning.models import BlockProgress
    from edudx.learning.schemas import AssignIn, CourseIn, LessonIn
    from edudx.learning.services import interactive
    from edudx.lrs.models import Statement

    teacher = live_city.actor_of("teacher")
    course = services.course_create(
        actor=teacher, data=CourseIn(title="An toàn giao thông", class_id=live_city.classes[0].pk)
    )
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="Biển báo"))
    xml = (HERE / "cmi5" / "cmi5.xml").read_text(encoding="utf-8")
    xml = xml.replace("<url>au/index.html</url>", f"<url>{au_server}/au/index.html</url>")
    block = interactive.cmi5_import(actor=teacher, lesson=lesson, upload=io.BytesIO(xml.encode()))[0]
    services.lesson_publish(actor=teacher, lesson=lesson)
    services.lesson_assign(
        actor=teacher,
        lesson=lesson,
        data=AssignIn(class_id=live_city.classes[0].pk, due_at=timezone.now() + dt.timedelta(days=3)),
    )
    page.set_viewport_size({"width": 390, "height": 844})  # a phone (vi-VN: the context's locale)
    seen = []  # console lines and the LRS's answers: the failure message shows them
    page.on("console", lambda m: seen.append(f"console {m.type}: {m.text[:300]}"))
    page.on("response", lambda r: seen.append(f"{r.status} {r.request.method} {r.url[:120]}"))
    login(live_city.users["student"].username)
    page.goto(f"{live_server.url}/learning/me/lessons/{lesson.pk}/")
    page.get_by_test_id("cmi5-launch").click()
    page.wait_for_url(f"{au_server}/au/index.html?*")
    try:
        page.locator("#status").filter(has_text="Sẵn sàng").wait_for(timeout=20_000)
        page.locator("#done").click()
        page.locator("#status").filter(has_text="Đã hoàn thành").wait_for(timeout=20_000)
    except Exception as exc:
        raise AssertionError(seen) from exc
    bp = BlockProgress.objects.filter(block=block, user=live_city.users["student"]).first()
    assert bp is not None and bp.done, seen
    stored = [json.loads(s.data) for s in Statement.objects.order_by("pk")]
    verbs = [
        s["verb"]["id"].rsplit("/", 1)[-1] for s in stored if s["object"]["id"].endswith(f"/{block.pk}/au")
    ]
    assert verbs[:1] == ["launched"] and "satisfied" in verbs, verbs
    assert [v for v in verbs if v in ("initialized", "completed", "terminated")] == [
        "initialized",
        "completed",
        "terminated",
    ], verbs
    assert all(s["actor"]["account"]["name"] == f"u{live_city.users['student'].pk}" for s in stored)
