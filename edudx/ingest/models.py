"""The import log: one ImportRun per uploaded file, from receipt to commit (or failure)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition


def upload_to(instance: ImportRun, filename: str) -> str:
    return f"ingest/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class ImportRun(models.Model):
    class State(models.TextChoices):
        # A context of their own: another app's "Checked" is a column heading ("Thời điểm
        # kiểm tra"), and Django's merged catalogues let the earlier app's translation win.
        RECEIVED = "received", pgettext_lazy("import run state", "Received")
        CHECKING = "checking", pgettext_lazy("import run state", "Checking")
        CHECKED = "checked", pgettext_lazy("import run state", "Checked")
        COMMITTING = "committing", pgettext_lazy("import run state", "Committing")
        COMMITTED = "committed", pgettext_lazy("import run state", "Committed")
        FAILED = "failed", pgettext_lazy("import run state", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("import run state", "Cancelled")

    class Mode(models.TextChoices):
        STRICT = "strict", _("Strict: nothing is written if any row has an error")
        PARTIAL = "partial", _("Partial: valid rows are written, the others listed")

    kind = models.CharField(_("kind"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=150, blank=True)
    # The unit whose scope the run was made in (the user's first unit), for listing by scope.
    unit = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to=upload_to, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField(default=0)
    file_format = models.CharField(max_length=8, blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.STRICT)
    language = models.CharField(max_length=8, default="vi")
    # Moves only through the transitions below (services call them, docs/decisions/0010);
    # protected=False so a test may still place a run in a state.
    state = FSMField(
        _("state"), max_length=12, choices=State.choices, default=State.RECEIVED, protected=False
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(default=0)
    rows_total = models.IntegerField(default=0)
    rows_new = models.IntegerField(default=0)
    rows_changed = models.IntegerField(default=0)
    rows_unchanged = models.IntegerField(default=0)
    rows_rejected = models.IntegerField(default=0)
    errors = models.IntegerField(default=0)
    warnings = models.IntegerField(default=0)
    progress = models.FloatField(default=0)  # 0..1, last value written outside the commit transaction
    cancel_requested = models.BooleanField(default=False)
    # The report: problems [{row, column, code, severity, message}] (message as msgid text) and
    # a sample of field diffs; the full report is also downloadable as CSV/JSON/XLSX.
    report = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.state})"

    # ----- the run's life, every allowed move in one place. Each changes only the state (and
    # stamps the time the state has); services check can_proceed() first and save.
    @transition(field=state, source=[State.RECEIVED, State.CHECKED], target=State.CHECKING)
    def start_check(self) -> None:
        """Read, normalise, validate and preview (again, for a checked run)."""

    @transition(field=state, source=[State.CHECKING], target=State.CHECKED)
    def finish_check(self) -> None:
        self.checked_at = timezone.now()

    @transition(field=state, source=[State.CHECKED], target=State.COMMITTING)
    def start_commit(self) -> None:
        """Write the checked file, in one transaction."""

    @transition(field=state, source=[State.COMMITTING], target=State.COMMITTED)
    def finish_commit(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[State.RECEIVED, State.CHECKING, State.CHECKED, State.COMMITTING],
        target=State.FAILED,
    )
    def fail(self) -> None:
        """The file was refused, the commit wrote nothing, or the process running it died."""
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[State.RECEIVED, State.CHECKING, State.CHECKED, State.COMMITTING],
        target=State.CANCELLED,
    )
    def cancel(self) -> None:
        self.finished_at = timezone.now()

    @property
    def source(self) -> str:
        return f"import:{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.COMMITTED, self.State.FAILED, self.State.CANCELLED)
