"""Messages to a class: the class course's teacher (or the school: anyone who may author the
course in its unit) writes to the pupils of the class as it is now (the roster followed first,
so a pupil who moved in today gets it and one who left does not). Each pupil with an account
gets a receipt — the bell's unread count, read when opened; e-mail goes from the task queue
(`learning.tasks.message_email_task`, after the commit), never in the request."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edudx.core import history
from edudx.core.actor import Actor
from edudx.core.errors import FieldError, NotFound, ValidationFailed
from edudx.core.text import tidy_spaces

from ..models import ClassMessage, Course, CourseKind, Enrolment, MessageReceipt
from .classes import roster_sync
from .courses import require_author

MAX_TITLE = 200
MAX_BODY = 5000


def _checked(title: str, body: str) -> tuple[str, str]:
    title, body = tidy_spaces(title.replace("\x00", "")), body.replace("\x00", "").strip()
    errors = []
    if not title:
        errors.append(FieldError("title", "required", str(_("Write a title."))))
    elif len(title) > MAX_TITLE:
        errors.append(
            FieldError("title", "too_long", str(_("The title is too long (200 characters at most).")))
        )
    if not body:
        errors.append(FieldError("body", "required", str(_("Write the message."))))
    elif len(body) > MAX_BODY:
        errors.append(
            FieldError("body", "too_long", str(_("The message is too long (5,000 characters at most).")))
        )
    if errors:
        raise ValidationFailed(details=errors)
    return title, body


@transaction.atomic
def message_send(*, actor: Actor, course: Course, title: str, body: str) -> ClassMessage:
    """Send a message to the pupils of the class course's class; returns it with its receipts
    made. Refused: not a class course (`not_class_course`), an empty or too long title or body."""
    require_author(actor, course)
    if course.kind != CourseKind.CLASS or course.school_class_id is None:
        raise ValidationFailed(_("Messages go to the class of a class course."), code="not_class_course")
    title, body = _checked(title, body)
    roster_sync(actor=actor, course=course)
    users = list(
        Enrolment.objects.filter(course=course, active=True, user__isnull=False)
        .values_list("user_id", flat=True)
        .distinct()
    )
    message = ClassMessage.objects.create(
        course=course, unit_path=course.unit_path, title=title, body=body, sent_by=actor.user
    )
    MessageReceipt.objects.bulk_create([MessageReceipt(message=message, user_id=u) for u in users])
    history.record(
        actor=actor,
        obj=message,
        action="send",
        changes={"recipients": [None, len(users)]},
        operation="learning.message_send",
    )
    from ..tasks import message_email_task

    transaction.on_commit(lambda: message_email_task.enqueue(message.pk))
    return message


def message_open(*, actor: Actor, receipt_id: int) -> MessageReceipt:
    """The learner opens one of their messages: marked read the first time. Someone else's
    receipt is NotFound."""
    if actor.user is None:
        raise NotFound()
    try:
        receipt = MessageReceipt.objects.select_related("message__course").get(pk=receipt_id, user=actor.user)
    except (MessageReceipt.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if receipt.read_at is None:
        receipt.read_at = timezone.now()
        MessageReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=receipt.read_at)
    return receipt


def message_email(*, message_id: int) -> int:
    """E-mail the message to each recipient with an address not yet e-mailed (Django's mail
    backend: the console one in development); each receipt is stamped when its mail went, so a
    retried task sends nobody twice. Returns how many were sent."""
    message = ClassMessage.objects.select_related("course").filter(pk=message_id).first()
    if message is None:
        return 0
    receipts = MessageReceipt.objects.filter(message=message, emailed_at__isnull=True).select_related("user")
    sent = 0
    for receipt in receipts:
        address = (receipt.user.email or "").strip()
        if not address:
            continue
        send_mail(
            subject=f"[{message.course.title}] {message.title}"[:250],
            message=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
        MessageReceipt.objects.filter(pk=receipt.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent
