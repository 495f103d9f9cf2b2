"""A tiny real H5P package for the tests (its files are the demo's, in
learning/interactive/samples/h5p/): h5p.json, content/content.json and one content type library
(H5P.EdudxHello 1.0: shows its text and a button; the button emits
an xAPI `completed` with a score through H5P's own EventDispatcher). No content type can be
downloaded from h5p.org offline; this one is enough for h5p-standalone to render real content."""

from __future__ import annotations

import io
import json
import zipfile

from edudx.learning.interactive.samples import HERE

SAMPLE = HERE / "h5p"
HELLO_JS = (SAMPLE / "H5P.EdudxHello-1.0" / "hello.js").read_text(encoding="utf-8")
LIBRARY = json.loads((SAMPLE / "H5P.EdudxHello-1.0" / "library.json").read_text(encoding="utf-8"))
MANIFEST = json.loads((SAMPLE / "h5p.json").read_text(encoding="utf-8"))
CONTENT = json.loads((SAMPLE / "content" / "content.json").read_text(encoding="utf-8"))


def files(changes: dict[str, bytes | None] | None = None) -> dict[str, bytes]:
    out: dict[str, bytes] = {
        "h5p.json": json.dumps(MANIFEST).encode(),
        "content/content.json": json.dumps(CONTENT, ensure_ascii=False).encode(),
        "H5P.EdudxHello-1.0/library.json": json.dumps(LIBRARY).encode(),
        "H5P.EdudxHello-1.0/hello.js": HELLO_JS.encode(),
        "H5P.EdudxHello-1.0/hello.css": (SAMPLE / "H5P.EdudxHello-1.0" / "hello.css").read_bytes(),
    }
    for key, data in (changes or {}).items():
        if data is None:
            out.pop(key, None)
        else:
            out[key] = data
    return out


def h5p_zip(entries: dict[str, bytes] | None = None, *, name: str = "chao.h5p") -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in (entries if entries is not None else files()).items():
            zf.writestr(path, data)
    buf.seek(0)
    buf.name = name
    return buf


def h5p_lesson(city):
    """A published lesson of one H5P block, assigned to the pupil's class."""
    from edudx.learning import services
    from edudx.learning.schemas import AssignIn, CourseIn, LessonIn
    from edudx.learning.services import interactive

    teacher = city.actor_of("teacher")
    course = services.course_create(
        actor=teacher, data=CourseIn(title="Tin học 6A1", class_id=city.classes[0].pk, subject="tin_hoc")
    )
    lesson = services.lesson_create(actor=teacher, course=course, data=LessonIn(title="Tương tác"))
    block = interactive.h5p_add(actor=teacher, lesson=lesson, upload=h5p_zip())
    services.lesson_publish(actor=teacher, lesson=lesson)
    import datetime as dt

    from django.utils import timezone

    services.lesson_assign(
        actor=teacher,
        lesson=lesson,
        data=AssignIn(class_id=city.classes[0].pk, due_at=timezone.now() + dt.timedelta(days=3)),
    )
    block.refresh_from_db()
    return course, lesson, block
