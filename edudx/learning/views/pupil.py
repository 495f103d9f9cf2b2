"""The pupil's pages (built for a phone, 390 px): the lessons assigned to their class, a lesson
done block by block, a quiz attempt. Every action is a service call, which writes the LRS."""

from __future__ import annotations

import random
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound, PermissionDenied

from .. import selectors, services
from ..forms import SubmissionForm
from ..models import Question
from ..selectors.exam import submission_attempt

LIST_KINDS = ("multiple", "ordering", "fill")


def _learner(request: HttpRequest) -> Actor:
    """Anyone signed in: a pupil does their class's lessons, anyone (a citizen has no role)
    the lessons of open courses they enrolled in — the selectors and services decide which."""
    actor = Actor.from_request(request)
    if actor.user is None:
        raise NotFound()
    return actor


def _lesson_url(lesson_id: int) -> str:
    return reverse("learning:my_lesson", kwargs={"lesson_id": lesson_id})


@login_required
def my_lessons(request: HttpRequest) -> HttpResponse:
    actor = _learner(request)
    from ..selectors.training import training_lessons

    rows = selectors.pupil_lessons(scope=actor.scope, user_id=actor.user.pk)
    training = training_lessons(user_id=actor.user.pk)
    from ..selectors.messages import unread_count

    unread = unread_count(user_id=actor.user.pk)
    return render(request, "learning/my_lessons.html", {"rows": rows, "training": training, "unread": unread})


@login_required
def my_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = _learner(request)
    lesson = selectors.learner_lesson(scope=actor.scope, user_id=actor.user.pk, pk=lesson_id)
    progress = services.lesson_open(actor=actor, lesson=lesson)
    blocks = selectors.learner_blocks(lesson=lesson, user_id=actor.user.pk)
    attempts = {
        b.pk: selectors.last_attempt(user_id=actor.user.pk, quiz_id=b.quiz_id)
        for b, _bp in blocks
        if b.quiz_id
    }
    ctx = {
        "lesson": lesson,
        "blocks": blocks,
        "progress": progress,
        "attempts": attempts,
        "submission_form": SubmissionForm(),
    }
    return render(request, "learning/my_lesson.html", ctx)


def _act(request: HttpRequest, url: str, call: Any) -> HttpResponse:
    try:
        call()
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(url)


@login_required
@require_POST
def block_seen(request: HttpRequest, block_id: int) -> HttpResponse:
    actor = _learner(request)
    block = selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
    return _act(request, _lesson_url(block.lesson_id), lambda: services.block_view(actor=actor, block=block))


@login_required
@require_POST
def video(request: HttpRequest, block_id: int) -> HttpResponse:
    """A video event: from the player's script (JSON answer) or the "watched" button."""
    actor = _learner(request)
    block = selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
    event = request.POST.get("event", "")
    raw = request.POST.get("position", "0")
    try:
        position = int(float(raw[:20]))
    except (ValueError, OverflowError):  # "nan", "1e309": not a position
        position = 0
    if request.headers.get("Accept", "").startswith("application/json"):
        try:
            bp = services.video_event(actor=actor, block=block, event=event, position=position)
        except DomainError as exc:
            return JsonResponse(exc.as_dict(), status=exc.status)
        return JsonResponse({"position": bp.position_seconds, "done": bp.done})
    return _act(
        request,
        _lesson_url(block.lesson_id),
        lambda: services.video_event(actor=actor, block=block, event=event, position=position),
    )


@login_required
@require_POST
def submit(request: HttpRequest, block_id: int) -> HttpResponse:
    actor = _learner(request)
    block = selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
    form = SubmissionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Write an answer or attach a file."))
        return HttpResponseRedirect(_lesson_url(block.lesson_id))
    text, upload = form.cleaned_data["text"], form.cleaned_data["file"]
    return _act(
        request,
        _lesson_url(block.lesson_id),
        lambda: services.assignment_submit(actor=actor, block=block, text=text, upload=upload),
    )


@login_required
@require_POST
def quiz_start(request: HttpRequest, block_id: int) -> HttpResponse:
    actor = _learner(request)
    block = selectors.learner_block(scope=actor.scope, user_id=actor.user.pk, pk=block_id)
    try:
        attempt = services.attempt_start(actor=actor, block=block)
    except (NotFound, PermissionDenied):
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(_lesson_url(block.lesson_id))
    return HttpResponseRedirect(reverse("learning:attempt", kwargs={"attempt_id": attempt.pk}))


def _shown(q: Question, seed: int) -> dict[str, Any]:
    """What the page shows of a question: options shuffled by a seed fixed per attempt, the
    answer key never."""
    rng = random.Random(seed * 1_000_003 + q.pk)
    options = list(enumerate(q.data.get("options", [])))
    rng.shuffle(options)
    rights = [r for _l, r in q.data.get("pairs", [])]
    rng.shuffle(rights)
    items = list(q.data.get("items", []))
    rng.shuffle(items)
    lefts = [left for left, _r in q.data.get("pairs", [])]
    return {
        "q": q,
        "options": options,
        "lefts": list(enumerate(lefts)),
        "rights": rights,
        "items": items,
        "slots": range(len(items)),
        "blanks": range(len(q.data.get("blanks", []))),
    }


def _answers(request: HttpRequest, questions: list[Question]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in questions:
        name = f"q{q.pk}"
        if q.kind in LIST_KINDS:
            out[str(q.pk)] = [v[:1000] for v in request.POST.getlist(name)[:100]]
        elif q.kind == "matching":
            lefts = [left for left, _r in q.data.get("pairs", [])]
            out[str(q.pk)] = {
                left: request.POST.get(f"{name}_{i}", "")[:1000] for i, left in enumerate(lefts)
            }
        else:
            out[str(q.pk)] = request.POST.get(name, "")[:5000]
    return out


@login_required
def attempt(request: HttpRequest, attempt_id: int) -> HttpResponse:
    actor = _learner(request)
    if request.method == "POST":  # an exam hour's hot path: the attempt and its check in one read
        att = submission_attempt(scope=actor.scope, user_id=actor.user.pk, attempt_id=attempt_id)
    else:
        att = selectors.open_attempt(user_id=actor.user.pk, attempt_id=attempt_id)
    questions = selectors.attempt_questions(att)
    lesson_id = att.block.lesson_id if att.block else None
    if request.method == "POST":
        try:
            att = services.attempt_submit(actor=actor, attempt=att, answers=_answers(request, questions))
        except (NotFound, PermissionDenied):
            raise
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            if att.needs_grading:
                messages.info(request, _("Submitted. Your teacher will grade the open answers."))
            else:
                messages.success(request, _("Submitted: %(score)s%%.") % {"score": att.score})
        return HttpResponseRedirect(_lesson_url(lesson_id) if lesson_id else reverse("learning:my_lessons"))
    if att.submitted_at is not None:
        return HttpResponseRedirect(_lesson_url(lesson_id) if lesson_id else reverse("learning:my_lessons"))
    shown = [_shown(q, att.pk) for q in questions]
    return render(request, "learning/attempt.html", {"attempt": att, "shown": shown, "lesson_id": lesson_id})
