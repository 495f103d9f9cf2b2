"""Messages to a class: the class course's page for its authors (the messages sent, how many
read each, the form to send one) and the learner's side (the bell's list, one message — read
when opened). Each view parses, calls one service or selector, and answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.forms import apply_domain_error

from .. import permissions as perms
from .. import selectors
from ..selectors import messages as reads
from ..services import messages as service


class MessageForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )


@login_required
def course_messages(request: HttpRequest, course_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    course = selectors.course_get(scope=actor.scope, pk=course_id)  # another unit's course: 404
    can_send = actor.scope.can(perms.AUTHOR, course.unit_path)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_send:
            raise NotFound()
        if form.is_valid():
            try:
                sent = service.message_send(
                    actor=actor,
                    course=course,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                n = sent.receipts.count()
                messages.success(request, _("Sent to %(n)d pupils.") % {"n": n})
                return HttpResponseRedirect(
                    reverse("learning:course_messages", kwargs={"course_id": course.pk})
                )
        status = 422
    ctx = {
        "course": course,
        "sent": reads.course_messages(scope=actor.scope, course=course)[:200],
        "form": form,
        "can_send": can_send,
    }
    return render(request, "learning/messages/course.html", ctx, status=status)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    rows = reads.inbox(user_id=actor.user.pk)[:200]
    return render(request, "learning/messages/inbox.html", {"rows": rows})


@login_required
def message(request: HttpRequest, receipt_id: int) -> HttpResponse:
    actor = Actor.from_request(request)
    receipt = service.message_open(actor=actor, receipt_id=receipt_id)  # someone else's: 404
    return render(request, "learning/messages/message.html", {"receipt": receipt, "m": receipt.message})


def urls() -> list[Any]:
    return [
        path("courses/<int:course_id>/messages/", course_messages, name="course_messages"),
        path("me/messages/", inbox, name="inbox"),
        path("me/messages/<int:receipt_id>/", message, name="message"),
    ]
