"""A background export: one row per file asked for, from the request to the download (or expiry).

The state machine (django-fsm-2, decision 0010): pending → running → done → expired, and
pending/running → failed; services move it, views never set it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition


class ExportJob(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("export state", "Waiting")
        RUNNING = "running", pgettext_lazy("export state", "Exporting")
        DONE = "done", pgettext_lazy("export state", "Ready")
        FAILED = "failed", pgettext_lazy("export state", "Failed")
        EXPIRED = "expired", pgettext_lazy("export state", "Expired")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    exporter = models.CharField(_("list"), max_length=60)  # core.exports.Exporter.name
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # The list's filters as its query string gave them (sorted, url-encoded): the same request
    # twice finds the same job.
    query = models.CharField(max_length=2000, blank=True)
    # The unit paths the owner's scope held when asking (a record of what was asked); the scope
    # applied is the owner's own when the job runs, masking included.
    scope_paths = models.JSONField(default=list, blank=True)
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.PENDING, protected=False)
    total = models.BigIntegerField(_("rows"), null=True, blank=True)
    done = models.BigIntegerField(default=0)
    file = models.CharField(max_length=255, blank=True)  # name under VAR_DIR/exports
    size = models.BigIntegerField(default=0)
    failure = models.CharField(max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("available until"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("export")
        indexes = [models.Index(fields=["owner", "state"], name="exports_job_owner_state")]

    def __str__(self) -> str:
        return f"{self.exporter} #{self.pk}"

    # ----- the moves (one place)
    @transition(field=state, source=State.PENDING, target=State.RUNNING)
    def start(self) -> None:
        self.started_at = timezone.now()

    @transition(field=state, source=State.RUNNING, target=State.DONE)
    def finish(self) -> None:
        self.finished_at = timezone.now()

    @transition(field=state, source=[State.PENDING, State.RUNNING], target=State.FAILED)
    def fail(self) -> None:
        self.finished_at = timezone.now()

    @transition(field=state, source=[State.DONE, State.FAILED], target=State.EXPIRED)
    def expire(self) -> None:
        pass

    @property
    def busy(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(100 * self.done / self.total))

    @property
    def download_name(self) -> str:
        stamp = timezone.localtime(self.created_at).strftime("%Y%m%d")
        return f"{self.exporter.split('.')[-1]}-{stamp}.{self.format}"
