"""Demo data for the library: ~2,000 resources with real Vietnamese curriculum topics across
subjects and grades, every workflow state, real small files (DOCX, PPTX, PDF, H5P) so that
text extraction and search work, use over the weeks before the demo date, ratings, comments
and teachers' collections. Bulk writes (city-scale demo), history entries included."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import quote_plus

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from edudx.core import history
from edudx.core.demo import DemoContext
from edudx.core.rules.curriculum import Subject
from edudx.core.rules.levels import grade_allowed
from edudx.core.rules.people import Position
from edudx.registry import selectors as registry
from edudx.registry.filters import StaffFilter

from .. import files, search
from ..curriculum_topics import all_topics
from ..models import (
    Collection,
    CollectionItem,
    Comment,
    Rating,
    Resource,
    ResourceGrade,
    ResourceVersion,
    State,
    Use,
)
from .documents import MAKERS, body, grade_label, pick
from .tables import COMMENTS, KINDS, LICENCES, RETURN_COMMENTS, SERIES, STATES, TAKEDOWN_REASONS

ORDER = 40
TOTAL = 2000
MAX_PDFS = 25
# The tiny city (8 schools; the tests' demo, loaded several times a CI run) gets a library of
# its size: every curriculum topic once (207) and some more, a few PDFs.
TINY_TOTAL = 300
TINY_MAX_PDFS = 3


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    scope = ctx.actor.scope
    schools = list(registry.school_list(scope=scope)[0].order_by("moet_code")[:400])
    if not schools:
        ctx.log("library: no schools, skipped")
        return
    staff_qs, _o = registry.staff_list(scope=scope, filters=StaffFilter(position=Position.TEACHER))
    teachers: dict[int, list[tuple[str, int | None]]] = {}
    for sid, name, uid in staff_qs.filter(school_id__in=[s.pk for s in schools]).values_list(
        "school_id", "full_name", "user_id"
    )[:20000]:
        teachers.setdefault(sid, []).append((name, uid))
    users = ctx.data.get("users", {})
    demo_teacher = users.get("teacher")
    demo_school_admin = users.get("school_admin")
    home_school = schools[0]
    if demo_teacher is not None:
        from edudx.accounts.services import scope_for_user

        paths = scope_for_user(demo_teacher).paths_for("library.contribute") or ()
        home_school = next((s for s in schools if any(s.unit.path.startswith(p) for p in paths)), schools[0])

    topics = all_topics()
    teaching = {g: [s for s in schools if grade_allowed(s.level, g)] for g in range(13)}
    labels = dict(Subject.choices)
    # Yesterday morning: every creation, publication and use lies in the past whatever the hour
    # of the load.
    now = dt.datetime.combine(ctx.today - dt.timedelta(days=1), dt.time(2, 0), tzinfo=dt.UTC)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    total, max_pdfs = (TINY_TOTAL, TINY_MAX_PDFS) if ctx.scale == "tiny" else (TOTAL, MAX_PDFS)
    pdfs = 0
    resources: list[Resource] = []
    payloads: list[tuple[str, bytes | None, str, list[int]]] = []
    created_at: list[dt.datetime] = []  # each resource's, set after bulk_create (auto_now_add)
    for i in range(total):
        subject, grade, topic = topics[i % len(topics)] if i < len(topics) else rng.choice(topics)
        rtype, prefix, fkind, _w = rng.choices(KINDS, weights=[k[3] for k in KINDS], k=1)[0]
        # A teacher writes for the grades their school teaches: no grade-9 algebra from a preschool.
        able = teaching.get(grade) or schools
        school = home_school if i % 12 == 0 and home_school in able else rng.choice(able)
        state = pick(rng, STATES)
        licence = pick(rng, LICENCES) if state != State.DRAFT or rng.random() < 0.5 else ""
        names = teachers.get(school.pk) or [("Nguyễn Thị Hồng", None)]
        author_name, author_uid = rng.choice(names)
        created_by_id = author_uid
        if school.pk == home_school.pk and demo_teacher is not None and i % 2 == 0:
            created_by_id = demo_teacher.pk
        lines = body(str(labels[subject]), grade, topic, prefix)
        title = f"{prefix}: {topic}" if i % 3 else f"{topic} – {prefix.lower()} ({grade_label(grade)})"
        description = (
            f"{prefix} môn {labels[subject]} {grade_label(grade)}, bài “{topic}”. "
            f"Soạn theo định hướng phát triển phẩm chất, năng lực của Chương trình GDPT 2018; "
            f"có thể điều chỉnh cho lớp học đông học sinh."
        )
        if fkind == "pdf":
            pdfs += 1
            if pdfs > max_pdfs:  # WeasyPrint takes about a second a page on a busy machine
                fkind = "docx"
        data = MAKERS[fkind](lines) if fkind != "link" else None
        # The text we wrote is the text extraction finds (tests check the extractors on such
        # files); running them on 2,000 files would only slow the demo down.
        text = "\n".join(lines) if fkind in ("docx", "pptx", "pdf") else ""
        url = ""
        if fkind == "link":
            url = f"https://www.youtube.com/results?search_query={quote_plus(topic)}"
        grades = [grade] + ([grade + 1] if grade < 12 and rng.random() < 0.15 else [])
        created = now - dt.timedelta(days=rng.randint(5, 200), minutes=rng.randint(0, 600))
        r = Resource(
            title=title[:300],
            description=description,
            resource_type=rtype,
            subject=subject,
            topic=topic,
            outcome=f"Học sinh vận dụng được kiến thức về {topic.lower()} để giải quyết tình huống thực tiễn.",
            series=pick(rng, SERIES),
            language="en" if subject == "ngoai_ngu" and rng.random() < 0.6 else "vi",
            licence=licence,
            authors=author_name,
            url=url,
            school=school,
            unit_path=school.unit.path,
            created_by_id=created_by_id,
            state=state,
            review_comment=rng.choice(RETURN_COMMENTS) if state == State.RETURNED else "",
            takedown_reason=rng.choice(TAKEDOWN_REASONS) if state == State.TAKEN_DOWN else "",
            published_at=created + dt.timedelta(days=rng.randint(1, 4))
            if state in (State.PUBLISHED, State.TAKEN_DOWN)
            else None,
            search_title=search.fold_title(title),
            search_body=search.fold_body(description, topic, author_name, text),
        )
        resources.append(r)
        created_at.append(created)
        payloads.append((fkind, data, text, grades))
        if (i + 1) % 500 == 0:
            ctx.log(f"library: {i + 1}/{total} resources generated")

    with transaction.atomic():
        Resource.objects.bulk_create(resources, batch_size=500)
        for r, created in zip(resources, created_at, strict=True):
            r.created_at = created
            r.updated_at = r.published_at or created
        Resource.objects.bulk_update(resources, ["created_at", "updated_at"], batch_size=500)
        ResourceGrade.objects.bulk_create(
            [
                ResourceGrade(resource=r, grade=g)
                for r, p in zip(resources, payloads, strict=True)
                for g in p[3]
            ],
            batch_size=2000,
        )
        versions = []
        for r, (fkind, data, text, _g) in zip(resources, payloads, strict=True):
            if data is None:
                continue
            info = files.inspect(data)
            name = default_storage.save(f"library/{r.pk}/v1{info.kind.extension}", ContentFile(data))
            v = ResourceVersion(
                resource=r,
                number=1,
                original_name=f"{r.topic[:60]}{info.kind.extension}",
                extension=info.kind.extension,
                mime=info.kind.mime,
                kind=info.kind.code,
                size=info.size,
                sha256=info.sha256,
                extracted_text=text,
                created_by_id=r.created_by_id,
            )
            v.file.name = name
            if fkind == "pdf":
                thumb = files.thumbnail("pdf", data)
                if thumb:
                    v.thumbnail.name = default_storage.save(
                        f"library/{r.pk}/v1-thumb.png", ContentFile(thumb)
                    )
            versions.append(v)
        ResourceVersion.objects.bulk_create(versions, batch_size=500)
        by_resource = {v.resource_id: v.pk for v in versions}
        for r in resources:
            r.current_version_id = by_resource.get(r.pk)
        Resource.objects.bulk_update(resources, ["current_version"], batch_size=500)
        _history(ctx, resources)
        _use(ctx, resources, now)
        _collections(ctx, resources, demo_teacher, demo_school_admin, home_school)
    counts = {s: sum(1 for r in resources if r.state == s) for s in State.values}
    ctx.log(
        f"library: {len(resources):,} resources ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
        f"{len(versions):,} files, {Use.objects.count():,} uses"
    )


def _history(ctx, resources):
    steps = {
        State.DRAFT: [],
        State.SUBMITTED: ["submit"],
        State.REVIEWED: ["submit", "review"],
        State.PUBLISHED: ["submit", "publish"],
        State.RETURNED: ["submit", "return"],
        State.TAKEN_DOWN: ["submit", "publish", "takedown"],
    }
    entries = []
    for r in resources:
        entries.append(
            {"obj": r, "action": "create", "changes": {"title": [None, r.title]}, "operation": "demo"}
        )
        if r.current_version_id:
            entries.append(
                {"obj": r, "action": "version", "changes": {"version": [None, 1]}, "operation": "demo"}
            )
        for step in steps[r.state]:
            note = r.review_comment if step == "return" else r.takedown_reason if step == "takedown" else ""
            entries.append({"obj": r, "action": step, "changes": {}, "operation": "demo", "note": note})
    history.record_many(entries, actor=ctx.actor)


def _use(ctx, resources, now):
    rng = ctx.rng
    published = [r for r in resources if r.state == State.PUBLISHED]
    users = [u for u in ctx.data.get("users", {}).values() if u is not None]
    uses = []
    for rank, r in enumerate(sorted(published, key=lambda _r: rng.random())):
        n = int(400 / (rank + 4)) + rng.randint(0, 6)
        views = downloads = 0
        for _ in range(n):
            kind = Use.Kind.DOWNLOAD if rng.random() < 0.35 else Use.Kind.VIEW
            at = now - dt.timedelta(days=rng.randint(0, 45), minutes=rng.randint(0, 1400))
            uses.append(Use(resource=r, kind=kind, subject=r.subject, at=at))
            views += kind == Use.Kind.VIEW
            downloads += kind == Use.Kind.DOWNLOAD
        r.view_count, r.download_count, r.use_count = views, downloads, views + downloads
    Use.objects.bulk_create(uses, batch_size=5000)
    ratings, comments = [], []
    for r in published[:400]:
        for u in rng.sample(users, k=min(len(users), rng.randint(0, 3))):
            stars = rng.choice([3, 4, 4, 5, 5, 5])
            ratings.append(Rating(resource=r, user=u, stars=stars))
            r.rating_sum += stars
            r.rating_count += 1
        if users and rng.random() < 0.3:
            comments.append(Comment(resource=r, user=rng.choice(users), text=rng.choice(COMMENTS)))
    Rating.objects.bulk_create(ratings)
    Comment.objects.bulk_create(comments)
    Resource.objects.bulk_update(
        published, ["view_count", "download_count", "use_count", "rating_sum", "rating_count"], batch_size=500
    )


def _collections(ctx, resources, teacher, school_admin, home_school):
    rng = ctx.rng
    owners = [u for u in (teacher, school_admin) if u is not None]
    if not owners:
        return
    published = [r for r in resources if r.state == State.PUBLISHED]
    by_topic: dict[str, list[Resource]] = {}
    for r in published:
        by_topic.setdefault(r.topic, []).append(r)
    topics = [t for t, rs in by_topic.items() if len(rs) >= 3]
    for n, topic in enumerate(sorted(topics)[:40]):
        owner = owners[n % len(owners)]
        vis = [Collection.Visibility.SHARED, Collection.Visibility.SCHOOL, Collection.Visibility.PRIVATE][
            n % 3
        ]
        rs = by_topic[topic]
        c = Collection.objects.create(
            title=f"Chủ đề: {topic}",
            description=f"Học liệu chọn lọc cho bài “{topic}”.",
            subject=rs[0].subject,
            grade=rs[0].grades[0] if rs[0].pk else None,
            visibility=vis,
            owner=owner,
            school=home_school,
            unit_path=home_school.unit.path,
        )
        notes = ["Dùng khởi động đầu giờ", "Giao về nhà", "Dùng cho hoạt động nhóm", ""]
        CollectionItem.objects.bulk_create(
            [
                CollectionItem(collection=c, resource=r, position=i + 1, note=rng.choice(notes))
                for i, r in enumerate(rs[:8])
            ]
        )
