"""Messages from a class course's teacher (or the school) to the pupils of the class: one row per
message, one receipt per pupil who had an account when it was sent (the bell counts unread
receipts; e-mail, where the pupil has an address and e-mail is set up, goes out from the task
queue and is stamped on the receipt)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClassMessage(models.Model):
    course = models.ForeignKey("learning.Course", on_delete=models.CASCADE, related_name="messages")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), max_length=5000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title


class MessageReceipt(models.Model):
    message = models.ForeignKey(ClassMessage, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="learning_receipt_once")]
        indexes = [models.Index(fields=["user", "read_at"], name="learning_receipt_unread")]

    def __str__(self) -> str:
        return f"{self.message_id}:{self.user_id}"
