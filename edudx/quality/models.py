"""Duplicate persons: the trained models, the runs that find pairs, the pairs, the merges.

Pairs and merges name registry records by id (no foreign key: a merged record is deleted and
comes back under the same id when the merge is undone) and carry both records' schools, which
is how they are scoped (a school sees pairs involving its pupils, the department all).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class Kind(models.TextChoices):
    STUDENTS = "students", _("Pupils")
    STAFF = "staff", _("Staff")


class MatchModel(models.Model):
    """One trained Splink model (its JSON, exactly as Splink saves it), versioned per kind."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    params = models.JSONField(_("model parameters"))
    trained_at = models.DateTimeField(_("trained at"), default=timezone.now)
    records = models.PositiveIntegerField(_("records trained on"), default=0)
    source = models.CharField(_("data"), max_length=200, blank=True)  # "registry", a file's name
    seconds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("kind", "-version")
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="quality_model_version")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DedupeRun(models.Model):
    """One search for duplicates over the registry (a background job with progress)."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = FSMField(
        _("state"), max_length=8, choices=RunState.choices, default=RunState.QUEUED, protected=False
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    model = models.ForeignKey(MatchModel, null=True, blank=True, on_delete=models.SET_NULL)
    pairs = models.PositiveIntegerField(_("pairs"), default=0)
    error = models.CharField(max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @transition(field=state, source=[RunState.QUEUED], target=RunState.RUNNING)
    def start(self) -> None:
        self.step = "reading"

    @transition(field=state, source=[RunState.RUNNING], target=RunState.DONE)
    def finish(self) -> None:
        self.progress = 100
        self.finished_at = timezone.now()

    @transition(field=state, source=[RunState.QUEUED, RunState.RUNNING], target=RunState.FAILED)
    def fail(self) -> None:
        self.finished_at = timezone.now()


class PairState(models.TextChoices):
    OPEN = "open", _("To review")
    UNSURE = "unsure", _("Unsure: for a higher level")
    DIFFERENT = "different", _("Different persons")
    MERGED = "merged", _("Merged")
    CLOSED = "closed", _("Closed: one of its records was merged")


class CandidatePair(models.Model):
    """Two records Splink scored as likely one person. `record_a` < `record_b` (ids)."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    record_a = models.BigIntegerField()
    record_b = models.BigIntegerField()
    school_a = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_b = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    probability = models.FloatField(_("probability"))
    state = FSMField(
        _("decision"), max_length=10, choices=PairState.choices, default=PairState.OPEN, protected=False
    )
    run = models.ForeignKey(DedupeRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="found")
    model = models.ForeignKey(MatchModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    auto = models.BooleanField(_("merged automatically"), default=False)

    class Meta:
        ordering = ("-probability", "id")
        constraints = [
            models.UniqueConstraint(fields=["kind", "record_a", "record_b"], name="quality_pair_unique"),
            models.CheckConstraint(condition=Q(record_a__lt=models.F("record_b")), name="quality_pair_order"),
        ]
        indexes = [models.Index(fields=["state", "-probability"], name="quality_pair_queue")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_a}–{self.record_b} ({self.probability:.3f})"

    @transition(field=state, source=[PairState.OPEN, PairState.UNSURE], target=PairState.MERGED)
    def merge(self) -> None:
        pass

    @transition(field=state, source=[PairState.OPEN, PairState.UNSURE], target=PairState.DIFFERENT)
    def mark_different(self) -> None:
        pass

    @transition(field=state, source=[PairState.OPEN], target=PairState.UNSURE)
    def mark_unsure(self) -> None:
        pass

    @transition(field=state, source=[PairState.MERGED], target=PairState.OPEN)
    def unmerge(self) -> None:
        pass

    @transition(field=state, source=[PairState.OPEN, PairState.UNSURE], target=PairState.CLOSED)
    def close(self) -> None:
        """Another pair of one of its records was merged into a record it is already paired with."""

    @transition(field=state, source=[PairState.CLOSED], target=PairState.OPEN)
    def reopen(self) -> None:
        """The merge that closed it was undone (its state before is restored by the service)."""


class MergeState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    UNDONE = "undone", _("Undone")


class Merge(models.Model):
    """A merge and everything needed to undo it (registry.services.merge's snapshot)."""

    pair = models.ForeignKey(CandidatePair, on_delete=models.PROTECT, related_name="merges")
    survivor_id = models.BigIntegerField()
    merged_id = models.BigIntegerField()
    snapshot = models.JSONField()
    # The other pending pairs of the merged record as they were: re-pointed at the survivor or
    # closed by this merge, put back by its undo.
    other_pairs = models.JSONField(default=list, blank=True)
    state = FSMField(
        _("state"), max_length=8, choices=MergeState.choices, default=MergeState.APPLIED, protected=False
    )
    auto = models.BooleanField(_("automatic"), default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"

    @transition(field=state, source=[MergeState.APPLIED], target=MergeState.UNDONE)
    def undo(self) -> None:
        self.undone_at = timezone.now()


class QualitySettings(models.Model):
    """The department's settings (one row): above this probability a pair merges itself."""

    auto_merge_threshold = models.FloatField(_("auto-merge threshold"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.auto_merge_threshold)


# ----- data-quality rules and scorecards (issue #14 item 3)
class Dimension(models.TextChoices):
    COMPLETENESS = "completeness", _("Completeness")
    VALIDITY = "validity", _("Validity")
    UNIQUENESS = "uniqueness", _("Uniqueness")
    CONSISTENCY = "consistency", _("Consistency")
    TIMELINESS = "timeliness", _("Timeliness")
    VERIFICATION = "verification", _("Verification")
    OUTLIERS = "outliers", _("Outliers")


class Severity(models.TextChoices):
    ERROR = "error", _("Error")
    WARNING = "warning", _("Warning")


class Rule(models.Model):
    """The department's setting of one shipped rule (`quality/scoring/catalogue.py` names the
    rules and their defaults): what differs from the default lives here, with a version number
    that every edit raises; each version's values are kept in `RuleVersion`."""

    code = models.CharField(_("rule"), max_length=60, unique=True)
    active = models.BooleanField(_("active"), default=True)
    threshold = models.FloatField(_("target score"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    levels = models.JSONField(_("school levels"), default=list, blank=True)  # empty: every level
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class RuleVersion(models.Model):
    """One version of a rule's setting, as it was saved (version 0 is the shipped default)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    values = models.JSONField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("rule", "-version")
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="quality_rule_version")]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version}"


class ReportingDeadline(models.Model):
    """A date of the department's calendar by which schools bring their data up to date: a school
    reported for it when its records changed in the `window_days` before it."""

    name = models.CharField(_("name"), max_length=120)
    due = models.DateField(_("due date"), unique=True)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=30)

    class Meta:
        ordering = ("due",)

    def __str__(self) -> str:
        return f"{self.name} {self.due}"


class SnapshotLevel(models.TextChoices):
    SCHOOL = "school", _("School")
    WARD = "ward", _("Ward")
    CLUSTER = "cluster", _("Cluster")
    CITY = "city", _("City")


class ScorecardSnapshot(models.Model):
    """The scores of one school, ward, cluster or the city on one day (the trend)."""

    day = models.DateField(_("day"))
    level = models.CharField(max_length=8, choices=SnapshotLevel.choices)
    key = models.BigIntegerField(default=0)  # school id, unit id, grouping id; 0 for the city
    path = models.CharField(max_length=255, blank=True)  # the unit's path (scope); "" for a cluster/city
    scores = models.JSONField()

    class Meta:
        ordering = ("level", "key", "day")
        constraints = [
            models.UniqueConstraint(fields=["level", "key", "day"], name="quality_snapshot_day"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.key} {self.day}"
