"""Teachers' and schools' pages: courses, the lesson editor, assigning, the progress grid,
GIFT import/export, quiz statistics, grading, the activity dashboard. Each parses, calls one
service or selector, and renders; a service's refusal comes back as a message beside the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied
from edudx.core.filters import parse_filter
from edudx.core.pagination import paginate
from edudx.core.views import ServiceFormView, typed_input
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors, services
from ..filters import COURSE_SORTS, CourseFilter
from ..forms import AssignForm, BlockForm, CourseForm, FeedbackForm, GiftForm, QuizForm
from ..lti.services import tools_for_course as lti_tools_for_course
from ..models import Course, CourseKind
from ..schemas import AssignIn, BlockIn, CourseIn, LessonIn, QuizIn


def _refused(request: HttpRequest, exc: DomainError) -> None:
    detail = "; ".join(str(d.message) for d in exc.details)
    messages.error(request, f"{exc.message} {detail}".strip())


def _back(request: HttpRequest, url: str, call: Any) -> HttpResponse:
    """Run a service call; a refusal (other than not found / not allowed) is shown as a message."""
    try:
        call()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        _refused(request, exc)
    return HttpResponseRedirect(url)


def _course_url(course_id: int) -> str:
    return reverse("learning:course", kwargs={"course_id": course_id})


def _lesson_url(lesson_id: int) -> str:
    return reverse("learning:lesson", kwargs={"lesson_id": lesson_id})


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    request.scope.require_any(perms.VIEW)  # type: ignore[attr-defined]
    f = parse_filter(CourseFilter, request.GET)
    courses = selectors.course_list(scope=request.scope, filters=f)  # type: ignore[attr-defined]
    order = COURSE_SORTS.get(f.sort, COURSE_SORTS["new"])
    page = paginate(courses, order=order, cursor=request.GET.get("cursor"), limit=50)
    ctx = {"courses": page.items, "page": page, "q": f.q, "kinds": CourseKind.choices}
    return render(request, "learning/course_list.html", ctx)


class CourseCreate(ServiceFormView[None]):
    form_class = CourseForm
    permission = perms.AUTHOR
    template_name = "learning/form.html"

    def form_kwargs(self, obj: None) -> dict[str, Any]:
        classes, _order = registry.class_list(scope=self.scope)
        return {"classes": list(classes.filter(year__is_current=True)[:300])}

    def save(self, form: Any, obj: None) -> Course:
        return services.course_create(actor=self.actor, data=typed_input(form, CourseIn, form.cleaned_data))

    def success_url(self, saved: Course, obj: None) -> str:
        return _course_url(saved.pk)

    def context(self, form: Any, obj: None) -> dict[str, Any]:
        return {"title": _("New course"), "back": reverse("learning:course_list")}


course_create = CourseCreate.as_view()


@login_required
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    course = selectors.course_get(scope=scope, pk=course_id)
    can_author = scope.can(perms.AUTHOR, course.unit_path)
    ctx = {
        "course": course,
        "structure": selectors.course_structure(course),
        "quizzes": list(course.quizzes.all()),
        "bank": selectors.bank_for_course(scope=scope, course=course)[:500],
        "grid": selectors.progress_grid(scope=scope, course=course),
        "can_author": can_author,
        "gift_form": GiftForm(),
        "quiz_form": QuizForm(),
    }
    if course.kind == CourseKind.TRAINING:
        from ..selectors import training

        chosen = {c.competence_id: c.level_id for c in training.course_competences(course)}
        ctx["competences"] = [
            (c, levels, c.pk in chosen, chosen.get(c.pk)) for c, levels in training.competence_choices()
        ]
        ctx["trained"] = training.course_competences(course)
        if can_author:
            ctx["schools"] = list(
                registry.school_list(scope=scope)[0].filter(unit__path__startswith=course.unit_path)[:300]
            )
    return render(request, "learning/course_detail.html", ctx)


@login_required
@require_POST
def course_action(request: HttpRequest, course_id: int, action: str) -> HttpResponse:
    actor = Actor.from_request(request)
    course = selectors.course_get(scope=actor.scope, pk=course_id)
    moves = {
        "publish": services.course_publish,
        "archive": services.course_archive,
        "reopen": services.course_reopen,
    }
    if action == "copy":
        try:
            copy = services.course_copy(actor=actor, course=course, title=request.POST.get("title", "")[:200])
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            _refused(request, exc)
            return HttpResponseRedirect(_course_url(course.pk))
        return HttpResponseRedirect(_course_url(copy.pk))
    if action == "lesson":
        title = request.POST.get("title", "").strip()[:200] or _("New lesson")

        def make() -> None:
            lesson = services.lesson_create(actor=actor, course=course, data=LessonIn(title=title))
            request.session["learning_new_lesson"] = lesson.pk

        return _back(request, _course_url(course.pk), make)
    if action not in moves:
        raise NotFound()
    return _back(request, _course_url(course.pk), lambda: moves[action](actor=actor, course=course))


@login_required
@require_POST
def gift_import(request: HttpRequest, course_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    course = selectors.course_get(scope=actor.scope, pk=course_id)
    form = GiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Paste the questions in GIFT format."))
        return HttpResponseRedirect(_course_url(course.pk))

    def run() -> None:
        created, errors = services.gift_import(
            actor=actor, course=course, text=form.cleaned_data["text"], shared=form.cleaned_data["shared"]
        )
        messages.success(request, _("%(n)d questions imported.") % {"n": len(created)})
        if errors:
            messages.warning(
                request,
                _("Not imported: questions %(list)s.") % {"list": ", ".join(str(n) for n, _e in errors[:30])},
            )

    return _back(request, _course_url(course.pk), run)


@login_required
def gift_export(request: HttpRequest, course_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    course = selectors.course_get(scope=scope, pk=course_id)
    text = selectors.gift_export(selectors.bank_for_course(scope=scope, course=course).filter(course=course))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="course-{course.pk}.gift.txt"'
    return response


@login_required
@require_POST
def quiz_create(request: HttpRequest, course_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    course = selectors.course_get(scope=actor.scope, pk=course_id)
    form = QuizForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("question") if v.isdigit() and len(v) < 18]
    if not form.is_valid():
        messages.error(request, _("Check the quiz's settings."))
        return HttpResponseRedirect(_course_url(course.pk))
    data = QuizIn(**form.cleaned_data)
    return _back(
        request,
        _course_url(course.pk),
        lambda: services.quiz_create(actor=actor, course=course, data=data, question_ids=ids),
    )


@login_required
def quiz_detail(request: HttpRequest, quiz_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    quiz = selectors.quiz_get(scope=scope, pk=quiz_id)
    stats = selectors.item_statistics(scope=scope, quiz=quiz)
    return render(request, "learning/quiz_detail.html", {"quiz": quiz, "stats": stats})


@login_required
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    lesson = selectors.lesson_get(scope=scope, pk=lesson_id)
    can_author = scope.can(perms.AUTHOR, lesson.course.unit_path)
    classes: list[Any] = []
    if can_author:
        qs, _order = registry.class_list(scope=scope)
        if lesson.course.school_class_id:
            qs = qs.filter(pk=lesson.course.school_class_id)
        classes = list(qs.filter(year__is_current=True)[:300])
    ctx = {
        "lesson": lesson,
        "course": lesson.course,
        "blocks": selectors.lesson_blocks(lesson),
        "can_author": can_author,
        "block_form": BlockForm(),
        "assign_form": AssignForm(),
        "classes": classes,
        "quizzes": list(lesson.course.quizzes.all()),
        "assignments": selectors.lesson_assignments(lesson),
        "submissions": selectors.submissions(scope=scope, lesson=lesson) if can_author else [],
        "lti_tools": lti_tools_for_course(lesson.course) if can_author else [],
    }
    return render(request, "learning/lesson_detail.html", ctx)


@login_required
@require_POST
def lesson_action(request: HttpRequest, lesson_id: int, action: str) -> HttpResponse:
    actor = Actor.from_request(request)
    lesson = selectors.lesson_get(scope=actor.scope, pk=lesson_id)
    url = _lesson_url(lesson.pk)
    if action == "publish":
        return _back(request, url, lambda: services.lesson_publish(actor=actor, lesson=lesson))
    if action == "unpublish":
        return _back(request, url, lambda: services.lesson_unpublish(actor=actor, lesson=lesson))
    if action == "block":
        form = BlockForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
            return HttpResponseRedirect(url)
        values = {k: v for k, v in form.cleaned_data.items() if k != "video_file" and v not in (None, "")}
        data = BlockIn(**values)
        video = form.cleaned_data.get("video_file")
        return _back(
            request, url, lambda: services.block_add(actor=actor, lesson=lesson, data=data, video=video)
        )
    if action == "assign":
        assign = AssignForm(request.POST)
        if not assign.is_valid():
            messages.error(request, _("Choose the class and the due date."))
            return HttpResponseRedirect(url)
        data_a = AssignIn(**assign.cleaned_data)
        return _back(request, url, lambda: services.lesson_assign(actor=actor, lesson=lesson, data=data_a))
    raise NotFound()


@login_required
def course_grid(request: HttpRequest, course_id: int) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    course = selectors.course_get(scope=scope, pk=course_id)
    grid = selectors.progress_grid(scope=scope, course=course)
    overdue = [
        (r["name"], grid.lessons[i]) for r in grid.rows for i, c in enumerate(r["cells"]) if c == "overdue"
    ]
    return render(request, "learning/grid.html", {"course": course, "grid": grid, "overdue": overdue})


@login_required
def submission_feedback(request: HttpRequest, submission_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    sub = selectors.submission_get(scope=actor.scope, pk=submission_id)
    form = FeedbackForm(request.POST or None, initial={"feedback": sub.feedback, "grade": sub.grade})
    if request.method == "POST" and form.is_valid():
        url = _lesson_url(sub.block.lesson_id)
        fb, grade = form.cleaned_data["feedback"], form.cleaned_data["grade"]
        return _back(
            request,
            url,
            lambda: services.assignment_feedback(actor=actor, submission=sub, feedback=fb, grade=grade),
        )
    return render(request, "learning/feedback.html", {"sub": sub, "form": form})


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    scope.require_any(perms.VIEW)
    ward = request.GET.get("ward", "")
    ward_id = int(ward) if ward.isdigit() and len(ward) < 18 else None
    rows, as_of = selectors.activity(scope=scope, ward_id=ward_id)
    return render(request, "learning/activity.html", {"rows": rows, "as_of": as_of, "ward_id": ward_id})
