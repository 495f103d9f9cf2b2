"""Issue #15: a teacher builds a lesson from two library resources, a video and a quiz, and
assigns it to the class; a pupil on a phone (390 px) completes it; the teacher sees the grid;
the LRS holds a statement of every step."""

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import _violations  # the axe-core WCAG 2.1 AA check

GIFT = """::Cộng:: 1/2 + 1/2 bằng bao nhiêu? {=1 ~2 ~1/4}

::Thủ đô:: Thủ đô của Việt Nam là? {=Hà Nội}
"""


def _login(page, url, username):
    from edudx.core.testing.city import PASSWORD

    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{url}/")


@pytest.mark.browser
def test_a_teacher_builds_and_assigns_a_lesson_a_pupil_completes_it_on_a_phone(
    live_city, live_server, browser
):
    from edudx.core.roles import Role
    from edudx.learning.models import Course, Progress
    from edudx.library.tests.helpers import make_resource, publish
    from edudx.lrs.models import Statement

    url = live_server.url
    r1 = publish(live_city, make_resource(live_city, title="Phân số — bài giảng", grades=(6,)))
    r2 = publish(live_city, make_resource(live_city, title="Phân số — phiếu bài tập", grades=(6,)))

    # The teacher, on a desktop.
    teacher = browser.new_context(locale="vi-VN", bypass_csp=True)  # axe is injected inline
    page = teacher.new_page()
    _login(page, url, live_city.users[Role.TEACHER].username)
    page.goto(f"{url}/learning/new/")
    page.fill("#id_title", "Toán 6A1 — học kết hợp")
    page.select_option("#id_kind", "class")
    page.select_option("#id_class_id", str(live_city.classes[0].pk))
    page.locator("form button[type=submit]").click()
    course = Course.objects.get(title="Toán 6A1 — học kết hợp")
    page.wait_for_url(f"{url}/learning/courses/{course.pk}/")
    page.fill("#new-lesson", "Phân số")
    page.locator(f"form[action='/learning/courses/{course.pk}/do/lesson/'] button").click()
    page.locator("summary", has_text="GIFT").first.click()
    page.fill("#gift-text", GIFT)
    page.locator(f"form[action='/learning/courses/{course.pk}/gift/'] button").click()
    page.fill("#id_title", "Kiểm tra nhanh")
    page.locator(f"form[action='/learning/courses/{course.pk}/quizzes/new/'] button").click()
    expect(page.get_by_role("link", name="Kiểm tra nhanh")).to_be_visible()
    page.get_by_role("link", name="Phân số", exact=True).click()
    lesson = course.lessons.get()
    page.wait_for_url(f"{url}/learning/lessons/{lesson.pk}/")
    for rid in (r1.pk, r2.pk):
        page.select_option("#b-kind", "resource")
        page.fill("#b-resource", str(rid))
        page.locator("[data-testid=block-form] button").click()
    page.select_option("#b-kind", "video")
    page.fill("#b-video", "https://video.example.vn/phan-so.mp4")
    page.fill("#b-seconds", "90")
    page.locator("[data-testid=block-form] button").click()
    page.select_option("#b-kind", "quiz")
    page.select_option("#b-quiz", label="Kiểm tra nhanh")
    page.locator("[data-testid=block-form] button").click()
    expect(page.locator("[data-testid=blocks] li")).to_have_count(4)
    page.locator(f"form[action='/learning/lessons/{lesson.pk}/do/publish/'] button").click()
    due = (dt.datetime.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    page.select_option("#a-class", str(live_city.classes[0].pk))
    page.fill("#a-due", due)
    page.locator("[data-testid=assign-form] button").click()
    expect(page.locator("[data-testid=assignments] li")).to_have_count(1)
    assert _violations(page) == []

    # The pupil, on a phone.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", bypass_csp=True)
    pp = phone.new_page()
    _login(pp, url, live_city.users[Role.STUDENT].username)
    pp.goto(f"{url}/learning/me/")
    pp.locator("[data-testid=my-lessons] a", has_text="Phân số").click()
    pp.wait_for_url(f"{url}/learning/me/lessons/{lesson.pk}/")
    assert _violations(pp) == []
    for _ in range(2):  # the two library resources
        pp.locator("[data-testid=block-resource] form[action$='/seen/'] button").first.click()
        pp.wait_for_load_state()
    expect(pp.locator("[data-testid=block-resource] [data-testid=done]")).to_have_count(2)
    pp.locator("[data-testid=block-video] form button").click()
    expect(pp.locator("[data-testid=block-video] [data-testid=done]")).to_have_count(1)
    pp.locator("[data-testid=block-quiz] form button").click()
    pp.wait_for_url(f"{url}/learning/me/attempts/**")
    assert _violations(pp) == []
    pp.get_by_label("1", exact=True).check()
    pp.locator("[data-testid=attempt] input.form-control").fill("ha noi")  # accent-insensitive
    pp.locator("[data-testid=attempt] button").click()
    expect(pp.get_by_test_id("lesson-done")).to_be_visible()
    # Nothing on the phone page is wider than the screen.
    assert pp.evaluate("document.documentElement.scrollWidth") <= 390
    box = pp.locator("[data-testid=block-quiz] form button").bounding_box()
    assert box["height"] >= 40

    p = Progress.objects.get(lesson=lesson, user=live_city.users[Role.STUDENT])
    assert p.completed_at is not None and p.passed is True

    # The teacher sees the grid.
    page.goto(f"{url}/learning/courses/{course.pk}/grid/")
    expect(page.locator("[data-testid=grid] td[data-state=completed]")).to_have_count(1)
    expect(page.locator("[data-testid=grid] tbody tr")).to_have_count(3)
    assert _violations(page) == []

    # Every step is in the LRS, with the course, lesson and class as context.
    rows = [json.loads(s.data) for s in Statement.objects.order_by("id")]
    verbs = [r["verb"]["display"]["en-US"] for r in rows]
    for verb in ("viewed", "started", "completed", "answered", "scored", "passed"):
        assert verb in verbs, verb
    assert verbs.count("answered") == 2
    viewed_blocks = {r["object"]["id"] for r in rows if r["verb"]["display"]["en-US"] == "viewed"}
    assert len(viewed_blocks) == 3  # the lesson and the two resources
    assert any(
        r["object"]["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video" for r in rows
    )
    for r in rows:
        ctx = r["context"]["contextActivities"]
        assert ctx["parent"][0]["id"].endswith(f"/learning/courses/{course.pk}")
        assert any(g["id"].endswith(f"/learning/classes/{live_city.classes[0].pk}") for g in ctx["grouping"])
    phone.close()
    teacher.close()
