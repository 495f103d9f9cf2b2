"""Reads of messages to a class: a learner's own messages (the bell, the list), and a class
course's messages with how many of the class have read each (its authors, within scope)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from edudx.core.scope import Scope

from .. import permissions as perms
from ..models import ClassMessage, Course, MessageReceipt


def inbox(*, user_id: int) -> QuerySet[MessageReceipt]:
    """The signed-in person's messages, newest first — only their own receipts."""
    return MessageReceipt.objects.filter(user_id=user_id).select_related("message__course").order_by("-id")


def unread_count(*, user_id: int) -> int:
    return MessageReceipt.objects.filter(user_id=user_id, read_at__isnull=True).count()


def course_messages(*, scope: Scope, course: Course) -> QuerySet[ClassMessage]:
    """The course's messages with `recipients` and `read` counted (needs learning.view there)."""
    scope.require(perms.VIEW, course.unit_path)
    return (
        ClassMessage.objects.filter(course=course)
        .select_related("sent_by")
        .annotate(
            recipients=Count("receipts"),
            read=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
        )
        .order_by("-created_at", "-id")
    )
