"""Learning exam hour (issue #15, "Bar"), in process on SQLite: --pupils pupils of one class
each start and submit a --questions question quiz through the real services (draw, grading,
the LRS statements of each submission written through lrs.services.statement_record); then
the pupil's lesson page (the Django stack, test client) with --enrolments enrolments in the
course.

    .venv/bin/python bench/learning_exam.py --db-dir /tmp/t8/exam --pupils 10000 --workers 2 \
        --threads 16

Prints attempts started/s, submissions/s (wall clock, --workers processes forked after the
set-up, each running --threads requests at a time; the submission writer that commits many
submissions at once is on unless --no-queue; the bar is >= 200/s on 2 cores), the workers' CPU time per submission (and the rate two
idle cores would give at that cost — the figure that still means something when the shared
machine is loaded), the LRS statements stored, the p50/p95 of the lesson
page over --pages requests (the bar is p95 < 300 ms with 100,000 enrolments), and the load
average. Bounded: every phase stops at --seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(db_dir: Path) -> None:
    os.environ["EDUDX_VAR_DIR"] = str(db_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()


def build(pupils: int, questions: int, enrolments: int) -> tuple[int, int, list[int]]:
    """The test city, `pupils` pupils with accounts in its first class, a class course with
    one lesson holding a `questions` question quiz, assigned to the class; the course's
    enrolments topped up to `enrolments` (pupils of other classes, by student id). Returns
    (lesson id, quiz block id, pupil user ids)."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from edudx.accounts.models import Membership, User
    from edudx.core.actor import Actor
    from edudx.core.roles import Role
    from edudx.core.testing.city import build_city
    from edudx.core.text import fold
    from edudx.learning import services
    from edudx.learning.models import Enrolment
    from edudx.learning.schemas import AssignIn, BlockIn, CourseIn, LessonIn, QuestionIn, QuizIn
    from edudx.registry.models import Enrolment as RegistryEnrolment
    from edudx.registry.models import Student

    city = build_city()
    school, cls = city.schools[0], city.classes[0]
    users = User.objects.bulk_create(
        [User(username=f"exam{i:06d}", full_name=f"Học sinh {i}", password="!") for i in range(pupils)],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, role=Role.STUDENT, unit=school.unit) for u in users], batch_size=2000
    )
    students = Student.objects.bulk_create(
        [
            Student(
                full_name=f"Nguyễn Văn Thi {i}",
                name_key=fold(f"Nguyễn Văn Thi {i}"),
                sort_name=fold(f"thi {i}"),
                gender="male",
                school=school,
                user=u,
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    RegistryEnrolment.objects.bulk_create(
        [
            RegistryEnrolment(
                student=s, school_class=cls, year=city.year, school=school, start_date=dt.date(2025, 9, 5)
            )
            for s in students
        ],
        batch_size=2000,
    )
    a = Actor.system(source="bench")
    course = services.course_create(
        actor=a, data=CourseIn(title="Thi học kỳ", class_id=cls.pk, subject="toan")
    )
    lesson = services.lesson_create(actor=a, course=course, data=LessonIn(title="Bài thi"))
    qs = []
    for n in range(questions):
        if n % 2:
            data = QuestionIn(
                kind="single", text=f"Câu {n}", data={"options": ["a", "b", "c", "d"], "correct": [n % 4]}
            )
        else:
            data = QuestionIn(kind="short", text=f"Câu {n}", data={"answers": [f"đáp án {n}"], "fold": True})
        qs.append(services.question_create(actor=a, course=course, data=data))
    quiz = services.quiz_create(
        actor=a,
        course=course,
        data=QuizIn(title="Đề thi", time_limit_minutes=60),
        question_ids=[q.pk for q in qs],
    )
    block = services.block_add(actor=a, lesson=lesson, data=BlockIn(kind="quiz", quiz_id=quiz.pk))
    services.lesson_publish(actor=a, lesson=lesson)
    services.lesson_assign(
        actor=a, lesson=lesson, data=AssignIn(class_id=cls.pk, due_at=timezone.now() + dt.timedelta(hours=1))
    )
    extra = max(0, enrolments - Enrolment.objects.filter(course=course).count())
    base = 10_000_000
    Enrolment.objects.bulk_create(
        [Enrolment(course=course, student_id=base + i, active=True) for i in range(extra)], batch_size=5000
    )
    return lesson.pk, block.pk, [u.pk for u in users]


def reuse(marker: Path) -> tuple[int, int, list[int]]:
    """A city built by an earlier run: migrated to the code as it is, the lesson's attempts
    reopened (started now, not submitted), block and lesson progress wiped (its LRS statements
    stay: the run counts what it adds)."""
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from edudx.learning.models import Attempt, BlockProgress, Progress

    built = json.loads(marker.read_text())
    # Started now: the quiz's time limit (60 minutes) counts from the start, and an attempt
    # started by a run hours ago would be submitted blank (past the limit) — not an exam hour.
    Attempt.objects.filter(block_id=built["block"]).update(
        submitted_at=None,
        answers={},
        item_scores={},
        score=None,
        passed=None,
        needs_grading=False,
        started_at=timezone.now(),
    )
    BlockProgress.objects.filter(block__lesson_id=built["lesson"]).delete()
    Progress.objects.filter(lesson_id=built["lesson"]).delete()
    lesson_opened(built["lesson"], built["users"])
    return built["lesson"], built["block"], built["users"]


def lesson_opened(lesson_id: int, user_ids: list[int]) -> None:
    """Each pupil's lesson row, as opening the lesson page before the quiz leaves it (started,
    not completed): the submission completes it."""
    from edudx.learning.models import Progress

    Progress.objects.bulk_create(
        [Progress(lesson_id=lesson_id, user_id=u) for u in user_ids], batch_size=5000, ignore_conflicts=True
    )


def _actor(user_id: int):
    from edudx.accounts.models import User
    from edudx.accounts.services import scope_for_user
    from edudx.core.actor import Actor

    user = User.objects.get(pk=user_id)
    return Actor(user=user, scope=scope_for_user(user))


def start_all(block_id: int, user_ids: list[int], deadline: float) -> int:
    from edudx.learning import services
    from edudx.learning.models import Attempt, Block

    # Pupils whose attempt is already open (an earlier --prepare cut short by its deadline)
    # are counted, not started again.
    have = set(
        Attempt.objects.filter(block_id=block_id, submitted_at__isnull=True).values_list("user_id", flat=True)
    )
    done = len(have & set(user_ids))
    for uid in user_ids:
        if uid in have:
            continue
        if time.perf_counter() > deadline:
            break
        services.attempt_start(actor=_actor(uid), block=Block.objects.get(pk=block_id))
        done += 1
    return done


def _submit_one(uid: int, attempt_id: int, rng: random.Random) -> None:
    """What the pupil's submit view does after the middleware (signed-in user and scope: the
    two reads of `_actor`): the attempt and its learner check in one read, the questions from
    the process's memory, then the service."""
    from edudx.learning import selectors, services
    from edudx.learning.selectors.exam import submission_attempt

    actor = _actor(uid)
    attempt = submission_attempt(scope=actor.scope, user_id=uid, attempt_id=attempt_id)
    answers = {}
    for q in selectors.attempt_questions(attempt):
        right = rng.random() < 0.7
        if q.kind == "single":
            answers[str(q.pk)] = str(q.data["correct"][0] if right else (q.data["correct"][0] + 1) % 4)
        else:
            answers[str(q.pk)] = q.data["answers"][0].upper() if right else "không biết"
    services.attempt_submit(actor=actor, attempt=attempt, answers=answers)


HTTP: dict[str, object] = {"on": False, "sessions": {}}


def _answers_post(attempt_id: int, uid: int, rng: random.Random) -> dict[str, str]:
    from edudx.learning import selectors
    from edudx.learning.models import Attempt

    attempt = Attempt(pk=attempt_id, user_id=uid, question_ids=_QIDS[attempt_id])
    post = {}
    for q in selectors.attempt_questions(attempt):
        right = rng.random() < 0.7
        if q.kind == "single":
            post[f"q{q.pk}"] = str(q.data["correct"][0] if right else (q.data["correct"][0] + 1) % 4)
        else:
            post[f"q{q.pk}"] = q.data["answers"][0].upper() if right else "không biết"
    return post


_QIDS: dict[int, list[int]] = {}


def _submit_http(uid: int, attempt_id: int, rng: random.Random) -> None:
    """The pupil's submit as a request: the test client's POST through the whole middleware
    stack (session, CSRF — the client does not enforce the token —, auth, scope, messages) to
    the attempt view; its redirect is the acknowledgement."""
    c = _client(uid)
    r = c.post(f"/learning/me/attempts/{attempt_id}/", _answers_post(attempt_id, uid, rng))
    assert r.status_code == 302, r.status_code


_LOCAL = threading.local()


def _client(uid: int):  # noqa: ANN202
    """This thread's test client (its handler loads the middleware once, as a server's worker
    does — a new client per request would load it, and WhiteNoise's file index, every time),
    signed in as `uid` by their session cookie alone."""
    from http.cookies import SimpleCookie

    from django.conf import settings
    from django.test import Client

    c = getattr(_LOCAL, "client", None)
    if c is None:
        c = _LOCAL.client = Client()
    c.cookies = SimpleCookie()
    c.cookies[settings.SESSION_COOKIE_NAME] = HTTP["sessions"][uid]  # type: ignore[index]
    return c


def sessions_for(user_ids: list[int]) -> dict[int, str]:
    """A signed-in session per pupil (as their browser holds after logging in)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from edudx.accounts.models import User

    out = {}
    for user in User.objects.filter(pk__in=user_ids):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        out[user.pk] = store.session_key
    return out


def request_floor(user_ids: list[int], n: int) -> tuple[float, float]:
    """CPU ms per request of an empty view behind login_required through the same middleware
    (the ceiling any page can reach in this process), and of the pupil's lessons page."""
    cpu = {}
    for name, url in (("empty", "/bench-empty/"), ("lessons", "/learning/me/")):
        _client(user_ids[0]).get(url)
        t = time.process_time()
        for uid in user_ids[:n]:
            r = _client(uid).get(url)
            assert r.status_code == 200, (url, r.status_code)
        cpu[name] = (time.process_time() - t) / max(len(user_ids[:n]), 1) * 1000
    return cpu["empty"], cpu["lessons"]


PARTS = (  # (label, file suffix, function): where a submission's time goes
    ("the attempt view (all below)", "learning/views/pupil.py", "attempt"),
    ("attempt + learner check (1 read)", "learning/selectors/exam.py", "submission_attempt"),
    ("grading (plain Python)", "learning/grading.py", "grade"),
    ("the writes, all (writer or inline: under the lock)", "learning/services/submissions.py", "write"),
    ("  statements built (in the request)", "learning/services/quizzes.py", "_attempt_statements"),
    ("  LRS: validate + prepare (request and writer)", "lrs/services.py", "statements_prepare"),
    ("  LRS: store the prepared rows (writer)", "lrs/services.py", "statements_store"),
    ("  lesson completion (progress._maybe_complete)", "learning/services/progress.py", "_maybe_complete"),
)


def breakdown(pairs: list[tuple[int, int]]) -> None:
    """Submit `pairs` one after another through the view under cProfile (CPU time) and print the
    share of each part (cumulative; profiling slows every part alike, so the shares are what to
    read). What is not under the view is the middleware and the test client."""
    import cProfile
    import pstats

    from django.conf import settings

    queued = settings.LEARNING_SUBMISSION_QUEUE
    settings.LEARNING_SUBMISSION_QUEUE = False  # inline, so the writes are profiled in this thread
    rng = random.Random(7)
    profile = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
    cpu = time.process_time()
    profile.enable()
    for uid, attempt_id in pairs:
        _submit_http(uid, attempt_id, rng)
    profile.disable()
    cpu = time.process_time() - cpu
    settings.LEARNING_SUBMISSION_QUEUE = queued
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.values())
    print(f"breakdown of {len(pairs)} submissions through the view (profiled, inline writes):")
    for label, suffix, name in PARTS:
        ct = sum(v[3] for (f, _line, fn), v in stats.items() if f.endswith(suffix) and fn == name)
        print(f"  {label:<48} {100 * ct / total:5.1f} %")
    print(f"  (profiled CPU {cpu / max(len(pairs), 1) * 1000:.1f} ms a submission)")
    if os.environ.get("BENCH_PROFILE_OUT"):
        profile.dump_stats(os.environ["BENCH_PROFILE_OUT"])


def bench_urls() -> None:
    """The project's URLs plus /bench-empty/: an empty view behind login_required."""
    import types

    from django.conf import settings
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_learning_urls")

    @login_required
    def empty(request):  # noqa: ANN001, ANN202
        return HttpResponse(b"")

    module.urlpatterns = [path("bench-empty/", empty), path("", include(settings.ROOT_URLCONF))]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    clear_url_caches()


def _submit_worker(args: tuple[list[tuple[int, int]], float, int]) -> tuple[int, float, int]:
    """One process (a web worker): `threads` requests at a time submit the pupils' attempts.
    Returns (submissions, CPU seconds of the process, writer batches)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    connections.close_all()  # forked: a connection of its own
    from edudx.learning.services import submissions

    user_ids, deadline, threads = args
    rng = random.Random(user_ids[0][0] if user_ids else 0)
    cpu = time.process_time()

    def one(pair: tuple[int, int]) -> int:
        if time.time() > deadline:
            return 0
        (_submit_http if HTTP["on"] else _submit_one)(pair[0], pair[1], rng)
        return 1

    if threads <= 1:
        done = sum(one(uid) for uid in user_ids)
    else:
        with ThreadPoolExecutor(threads) as pool:
            done = sum(pool.map(one, user_ids))
    return done, time.process_time() - cpu, submissions.WRITER.batches, submissions.WRITER.lock_wait


def serve_and_submit(
    args: argparse.Namespace, db_dir: Path, pairs: list[tuple[int, int]]
) -> tuple[int, float, float, int]:
    """The timed run over real HTTP: gunicorn on the bench's database, the lean client in this
    process. Returns (answered 302, server CPU seconds, wall seconds, 0: the workers' batch
    counts stay in them) and prints the client's CPU beside the server's."""
    import learning_http as web
    from django.db import connections

    rng = random.Random(11)
    requests = [
        web.request(args.port, a, HTTP["sessions"][u], _answers_post(a, u, rng))  # type: ignore[index]
        for u, a in pairs
    ]
    connections.close_all()
    server = web.start_server(db_dir, args.port, args.workers, args.threads, db_dir / "gunicorn.log")
    try:
        time.sleep(1)
        server_cpu, client_cpu = web.cpu_seconds(server.pid), time.process_time()
        t = time.perf_counter()
        seen = web.run(args.port, requests, args.connections, time.time() + args.seconds)
        took = time.perf_counter() - t
        time.sleep(0.2)
        server_cpu, client_cpu = web.cpu_seconds(server.pid) - server_cpu, time.process_time() - client_cpu
    finally:
        web.stop_server(server)
    answered = seen.get(302, 0)
    print(
        f"HTTP answers: {dict(seen)} in {took:.1f} s; CPU: server {server_cpu:.1f} s, client "
        f"{client_cpu:.1f} s (the client's share of the two {100 * client_cpu / max(server_cpu + client_cpu, 1e-9):.0f} %; "
        f"{client_cpu / max(answered, 1) * 1000:.2f} ms per submission)"
    )
    return answered, server_cpu, took, 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-dir", default="/tmp/t8/exam")
    ap.add_argument("--pupils", type=int, default=10_000)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--enrolments", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument(
        "--threads", type=int, default=1, help="requests at a time per process (a threaded web worker)"
    )
    ap.add_argument(
        "--queue",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="the submission writer (LEARNING_SUBMISSION_QUEUE, on by default): one writer per "
        "process commits submissions in batches; --no-queue: each commits in its request",
    )
    ap.add_argument(
        "--http",
        action="store_true",
        help="submit through the attempt view (test client, every middleware) instead of the service",
    )
    ap.add_argument(
        "--floor", type=int, default=200, help="requests of an empty view to time the middleware floor"
    )
    ap.add_argument(
        "--breakdown", type=int, default=0, help="first profile this many submissions, one at a time"
    )
    ap.add_argument(
        "--server",
        action="store_true",
        help="submit over real HTTP: gunicorn (gunicorn.conf.py) on --port with --workers x --threads, "
        "a lean asyncio keep-alive client (bench/learning_http.py); prints server and client CPU",
    )
    ap.add_argument("--port", type=int, default=8160)
    ap.add_argument("--connections", type=int, default=32, help="--server: client keep-alive connections")
    ap.add_argument("--prepare", action="store_true", help="build and start the attempts, then stop")
    ap.add_argument(
        "--keep",
        action="store_true",
        help="reuse the city built in --db-dir by an earlier run (its attempts and progress wiped)",
    )
    args = ap.parse_args()
    db_dir = Path(args.db_dir)
    marker = db_dir / "exam-built.json"
    keep = args.keep and marker.exists()
    if not keep:
        shutil.rmtree(db_dir, ignore_errors=True)
        db_dir.mkdir(parents=True)
    setup_django(db_dir)
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.LEARNING_SUBMISSION_QUEUE = args.queue
    t = time.perf_counter()
    if keep:
        lesson_id, block_id, user_ids = reuse(marker)
        print(f"set-up: reused {marker} ({len(user_ids):,} pupils) in {time.perf_counter() - t:.1f} s")
    else:
        lesson_id, block_id, user_ids = build(args.pupils, args.questions, args.enrolments)
        marker.write_text(json.dumps({"lesson": lesson_id, "block": block_id, "users": user_ids}))
        print(
            f"set-up: {args.pupils:,} pupils, {args.enrolments:,} enrolments in {time.perf_counter() - t:.1f} s"
        )

    from edudx.learning.models import Attempt, Enrolment, Progress
    from edudx.lrs.models import Statement

    print(f"enrolments in the course: {Enrolment.objects.filter(course__lessons__pk=lesson_id).count():,}")
    t = time.perf_counter()
    open_ = Attempt.objects.filter(block_id=block_id, submitted_at__isnull=True).count()
    if keep and open_ >= len(user_ids):
        started = open_
        print(f"attempts started: {started:,} (reused, started by the run that built {marker})")
    else:
        started = start_all(block_id, user_ids, t + args.seconds)
        took = time.perf_counter() - t
        print(f"attempts started: {started:,} in {took:.1f} s = {started / took:.0f}/s (1 process)")
    if args.prepare:
        print(f"prepared {db_dir}: run again with --keep to time the submissions and the page")
        return

    if not keep:
        lesson_opened(lesson_id, user_ids[:started])
    before = Statement.objects.count()
    run_started = dt.datetime.now(dt.UTC)
    attempt_of = dict(
        Attempt.objects.filter(block_id=block_id, submitted_at__isnull=True).values_list("user_id", "pk")
    )
    pairs = [(u, attempt_of[u]) for u in user_ids[:started] if u in attempt_of]
    _QIDS.update(Attempt.objects.filter(pk__in=attempt_of.values()).values_list("pk", "question_ids"))
    bench_urls()
    t = time.perf_counter()
    HTTP["sessions"] = sessions_for([u for u, _a in pairs])
    print(f"sessions signed in: {len(pairs):,} in {time.perf_counter() - t:.1f} s")
    if args.floor:
        empty, lessons = request_floor([u for u, _a in pairs], args.floor)
        print(
            f"request floor: empty view behind login_required through the middleware {empty:.2f} ms CPU "
            f"-> {2000 / empty:.0f} requests/s on 2 idle cores; the pupil's lessons page {lessons:.2f} ms "
            f"(n={args.floor}, load {os.getloadavg()[0]:.2f})"
        )
    HTTP["on"] = args.http
    if args.breakdown:
        breakdown(pairs[: args.breakdown])
        pairs = pairs[args.breakdown :]
        before = Statement.objects.count()  # the timed run counts from here
        run_started = dt.datetime.now(dt.UTC)
    from django.db import connections

    if args.server:
        done, cpu, took, batches = serve_and_submit(args, db_dir, pairs)
    else:
        chunks = [pairs[i :: args.workers] for i in range(args.workers)]
        deadline = time.time() + args.seconds
        connections.close_all()
        t = time.perf_counter()
        with mp.get_context("fork").Pool(args.workers) as pool:
            results = pool.map(_submit_worker, [(c, deadline, args.threads) for c in chunks])
        took = time.perf_counter() - t
        done = sum(d for d, _cpu, _b, _w in results)
        cpu = sum(c for _d, c, _b, _w in results)
        batches = sum(b for _d, _c, b, _w in results)
        waited = sum(w for _d, _c, _b, w in results)
        print(
            f"writer lock waits: {waited:.1f} s in all over {args.workers} processes "
            f"({waited / max(took, 1e-9) / args.workers * 100:.0f} % of each writer's wall time)"
        )
    stored = Statement.objects.count() - before
    # Counted from the database after the run, not from the workers' answers: a submission is
    # an attempt row marked submitted in this run, with its lesson completed and its statements.
    durable = Attempt.objects.filter(block_id=block_id, submitted_at__gte=run_started).count()
    completed = Progress.objects.filter(lesson_id=lesson_id, completed_at__gte=run_started).count()
    print(
        f"submissions durable in the database: {durable:,} (the workers were answered for {done:,}; "
        f"lessons completed {completed:,}) of {args.questions} questions in {took:.1f} s = "
        f"{durable / took:.0f}/s ({args.workers} processes x {args.threads} threads, "
        f"{'gunicorn over HTTP' if args.server else 'through the view' if args.http else 'service calls'}, "
        f"queue {'on' if args.queue else 'off'}); LRS statements stored: {stored:,} "
        f"({stored / max(durable, 1):.1f} per submission)"
    )
    if args.queue and batches:
        print(f"writer batches: {batches:,} (mean {done / max(batches, 1):.1f} submissions per commit)")
    # Wall-clock rates on a shared machine say how busy it was; the workers' own CPU time per
    # submission does not (much): 2 / that is what two idle cores would sustain if SQLite's one
    # writer were never the limit.
    per = cpu / max(done, 1)
    print(
        f"{'server' if args.server else 'worker'} CPU per submission: {per * 1000:.1f} ms -> {2 / per if per else 0:.0f} submissions/s "
        "on 2 idle cores (CPU-bound estimate)"
    )
    print(f"attempts graded: {Attempt.objects.filter(submitted_at__isnull=False).count():,}")
    print(f"load average after the submissions: {os.getloadavg()}")

    from django.test import Client

    from edudx.accounts.models import User

    times = []
    sample = random.Random(1).sample(user_ids, min(args.pages, len(user_ids)))
    end = time.perf_counter() + args.seconds
    c = Client()  # one client: its handler loads the middleware once, as a server's worker does
    c.get("/bench-empty/")
    for uid in sample:
        c.force_login(User.objects.get(pk=uid))
        t = time.perf_counter()
        r = c.get(f"/learning/me/lessons/{lesson_id}/")
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.status_code
        if time.perf_counter() > end:
            break
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"lesson page (pupil, {args.enrolments:,} enrolments in the course): n={len(times)} "
        f"p50={statistics.median(times):.1f} ms p95={p95:.1f} ms"
    )
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
