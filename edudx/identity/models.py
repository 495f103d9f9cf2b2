"""Verification status of each person against the population registry, and the runs that
produce it. One row per person (the latest answer); each change of status is also written to
the person's history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PersonKind(models.TextChoices):
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff member")


class Status(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")
    VERIFIED = "verified", _("Verified")
    MISMATCH = "mismatch", _("Mismatch")
    NOT_FOUND = "not_found", _("Not in the registry")
    ERROR = "error", _("Could not check")


class Verification(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=PersonKind.choices)
    person_id = models.BigIntegerField(_("person"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    # Which of full_name, date_of_birth, gender the registry holds differently.
    differing_fields = models.JSONField(_("differing fields"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=40, blank=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)
    # A hash of the facts that were checked: a later edit of the record makes the answer stale.
    fingerprint = models.CharField(max_length=64, blank=True)
    # Not stored: set by selectors.status_of when the record changed after the check.
    is_stale: bool = False

    class Meta:
        verbose_name = _("verification")
        ordering = ("kind", "person_id")
        constraints = [
            models.UniqueConstraint(fields=["kind", "person_id"], name="identity_one_per_person"),
        ]
        indexes = [models.Index(fields=["kind", "status", "person_id"], name="identity_kind_status")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.person_id} {self.status}"


class VerificationRun(models.Model):
    """A background verification of a school's pupils, or of everyone in the requester's scope."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=8, choices=PersonKind.choices, default=PersonKind.STUDENT)
    # The school's id and unit path, or empty for "everyone in my scope".
    school_id = models.BigIntegerField(_("school"), null=True, blank=True)
    school_name = models.CharField(_("school"), max_length=255, blank=True)
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # status -> n
    message = models.CharField(max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification run")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"run {self.pk} {self.state}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
