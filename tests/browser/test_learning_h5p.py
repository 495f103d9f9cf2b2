"""Issue #15 item 3: a pupil on a phone (390 px) plays an H5P block in the lesson — the vendored
h5p-standalone renders a real package (a content type library built in the test) in its own
frame — presses its button, and the content's xAPI `completed` completes the block with its score;
the LRS holds the statement as the pupil's. The lesson page itself keeps the site's strict CSP."""

import json
import time

import pytest


def _frame_with(page, selector: str, timeout_s: float = 20):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.query_selector(selector):
                    return frame
            except Exception:  # noqa: BLE001, S112 - a frame navigating away; look again
                continue
        page.wait_for_timeout(200)
    raise AssertionError(f"no frame shows {selector}; frames: {[f.url for f in page.frames]}")


@pytest.mark.browser
def test_a_pupil_plays_an_h5p_block_on_a_phone_and_its_completed_grades_the_block(
    live_city, live_server, page, login
):

    from edudx.learning.models import BlockProgress
    from edudx.learning.tests.h5p_package import h5p_lesson
    from edudx.lrs.models import Statement

    _course, lesson, block = h5p_lesson(live_city)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone (vi-VN: the context's locale)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    seen = []  # every console line and every answer of the xAPI door: the failure message shows them
    page.on("console", lambda m: seen.append(f"console {m.type}: {m.text[:300]}"))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}") if "/h5p/xapi/" in r.url else None)
    login(live_city.users["student"].username)
    page.goto(f"{live_server.url}/learning/me/lessons/{lesson.pk}/")
    frame = _frame_with(page, ".edudx-hello-done")
    assert "Xin chào" in frame.inner_text(".edudx-hello-text")
    frame.click(".edudx-hello-done")
    deadline = time.monotonic() + 20
    while not BlockProgress.objects.filter(block=block, done=True).exists() and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    bp = BlockProgress.objects.filter(block=block, user=live_city.users["student"]).first()
    assert bp is not None, seen
    assert bp.done and str(bp.grade) == "80.00"
    completed = [
        json.loads(s.data) for s in Statement.objects.all() if "/h5p" in json.loads(s.data)["object"]["id"]
    ]
    assert any(s["verb"]["id"].endswith("/completed") for s in completed)
    assert all(s["actor"]["account"]["name"] == f"u{live_city.users['student'].pk}" for s in completed)
    page.reload()
    assert page.get_by_test_id("h5p-score").inner_text().endswith("80,00%")  # Vietnamese decimals
    assert not refused, refused
