"""WCAG 2.1 AA (axe-core, as test_accessibility.py) on the learning pages that walk does not
reach: they take an id, or are the pupil's, or sit under lti/ (which the walk leaves out as a
protocol prefix). The pupil's at a phone's 390 px: the lesson with its H5P, cmi5 and SCORM
blocks, the SCORM player, the messages and one message; the teacher's: the package upload and a
course's messages; the department's: the LTI tool list, a tool and the registration form."""

from __future__ import annotations

import pytest
from test_accessibility import _violations

pytestmark = pytest.mark.browser


def _data(city):

    from django.core.files.base import File

    from edudx.learning.interactive.samples import folder_zip
    from edudx.learning.lti import services as lti
    from edudx.learning.lti.schemas import ToolIn
    from edudx.learning.models import MessageReceipt
    from edudx.learning.services import interactive, messages
    from edudx.learning.tests.test_interactive_scorm import scorm_lesson

    course, lesson, scorm_block = scorm_lesson(city)
    teacher = city.actor_of("teacher")
    # The same lesson gets an H5P and a cmi5 block before the pupil opens it.
    interactive.h5p_add(actor=teacher, lesson=lesson, upload=File(folder_zip("h5p")))
    interactive.cmi5_import(actor=teacher, lesson=lesson, upload=File(folder_zip("cmi5")))
    messages.message_send(actor=teacher, course=course, title="Bài mới", body="Các em mở bài Ôn tập.")
    receipt = MessageReceipt.objects.get(user=city.users["student"])
    tool = lti.tool_create(
        actor=city.actor_of("dept_admin"),
        data=ToolIn(
            name="Phòng thí nghiệm ảo",
            login_url="https://lab.example.edu.vn/login",
            target_link_url="https://lab.example.edu.vn/launch",
            jwks_url="https://lab.example.edu.vn/jwks.json",
        ),
    )
    return {
        "student": [
            f"/learning/me/lessons/{lesson.pk}/",
            f"/learning/me/blocks/{scorm_block.pk}/scorm/",
            "/learning/me/messages/",
            f"/learning/me/messages/{receipt.pk}/",
        ],
        "teacher": [f"/learning/lessons/{lesson.pk}/package/", f"/learning/courses/{course.pk}/messages/"],
        "dept_admin": ["/learning/lti/tools/", f"/learning/lti/tools/{tool.pk}/", "/learning/lti/tools/new/"],
    }


def test_learning_interactive_messages_and_lti_pages_meet_wcag_21_aa(live_city, live_server, browser):
    from edudx.core.testing.city import PASSWORD

    pages = _data(live_city)
    failures: dict[str, list[str]] = {}
    for role, paths in pages.items():
        width = 390 if role == "student" else 1280
        context = browser.new_context(
            viewport={"width": width, "height": 844}, locale="vi-VN", bypass_csp=True
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", live_city.users[role].username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(f"{live_server.url}/")
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, (role, path)
            found = _violations(page)
            if found:
                failures[f"{path} [{role}, {width} px]"] = found
        context.close()
    assert not failures, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in failures.items())
