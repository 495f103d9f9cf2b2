"""Campaigns, assessments, their entries, automatic points and evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from edudx.core.models import TimeStamped

from .frameworks import Criterion, Framework, FrameworkGroup

ZERO = Decimal("0")


class Campaign(TimeStamped):
    class State(models.TextChoices):
        DRAFT = "draft", _("In preparation")
        OPEN = "open", _("Self-assessment open")
        REVIEW = "review", _("Under review")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="campaigns")
    name = models.CharField(_("name"), max_length=255)
    school_year = models.CharField(_("school year"), max_length=9)  # "2025-2026"
    self_deadline = models.DateField(_("self-assessment deadline"))
    review_deadline = models.DateField(_("review and publication deadline"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Coverage: schools under these units and in these groupings, of these levels and ownerships
    # (an empty list means "any").
    units = models.ManyToManyField("orgs.OrgUnit", blank=True, related_name="+", verbose_name=_("units"))
    groupings = models.ManyToManyField(
        "orgs.Grouping", blank=True, related_name="+", verbose_name=_("groupings")
    )
    levels = models.JSONField(_("school levels"), default=list, blank=True)
    ownerships = models.JSONField(_("ownership"), default=list, blank=True)
    owner = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-school_year", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_deadline__gte=F("self_deadline")), name="monitoring_campaign_deadlines"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(TimeStamped):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    # What is evaluated: a school (4725) or an education authority — a ward or the department
    # (3806); exactly one of the two.
    school = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authority = models.ForeignKey(
        "orgs.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Copy of the school's (or the authority's own) unit path: scope filtering and dashboards
    # without a join.
    unit_path = models.CharField(max_length=255, db_index=True)
    # Snapshot when the campaign opened: results stay attributed to the supervising unit,
    # level and ownership the school had in that year, and dashboards need no join.
    supervisor = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")
    school_level = models.CharField(max_length=12, blank=True)
    ownership = models.CharField(max_length=12, blank=True)
    # The self-assessment's workflow state: it moves only through the transitions below (the
    # services call them); protected=False so the demo and tests may place an assessment in a state.
    status = FSMField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED, protected=False
    )
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submit_count = models.PositiveSmallIntegerField(default=0)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    external_evaluator = models.CharField(_("external evaluation by"), max_length=255, blank=True)
    external_date = models.DateField(_("external evaluation date"), null=True, blank=True)
    external_note = models.TextField(_("external evaluation findings"), blank=True)
    # An officer extended this school's deadline to this date (DeadlineExtension says who and why).
    extended_until = models.DateField(_("deadline extended to"), null=True, blank=True)

    class Meta:
        ordering = ("campaign", "unit_path")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school"], name="monitoring_assessment_school"),
            models.UniqueConstraint(
                fields=["campaign", "authority"],
                condition=Q(authority__isnull=False),
                name="monitoring_assessment_authority",
            ),
            models.CheckConstraint(
                condition=(Q(school__isnull=False) & Q(authority__isnull=True))
                | (Q(school__isnull=True) & Q(authority__isnull=False)),
                name="monitoring_assessment_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="monitoring_assess_status")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.school_id}"

    @property
    def is_authority(self) -> bool:
        return self.school_id is None

    @property
    def subject_name(self) -> str:
        """The school's or the authority's name (pages, files, history)."""
        subject = self.authority if self.school_id is None else self.school
        return subject.name if subject is not None else ""

    @property
    def review_path(self) -> str:
        """Where a reviewer's grant must hold: the school's unit (its ward reviews it), or for an
        authority (3806) its supervising unit — a ward never reviews its own self-assessment."""
        return self.unit_path if self.school_id is not None else self.supervisor.path

    @property
    def is_editable_by_school(self) -> bool:
        return self.status in (self.Status.NOT_STARTED, self.Status.DRAFT, self.Status.RETURNED)

    @property
    def deadline(self) -> dt.date:
        """The day the school must submit by: the self-assessment deadline (the review deadline
        once returned), or the later day an officer extended it to."""
        c = self.campaign
        base = c.review_deadline if self.status == self.Status.RETURNED else c.self_deadline
        return max(base, self.extended_until) if self.extended_until else base

    # ----- the self-assessment workflow: every allowed move, in one place (docs/decisions/0010).
    # Each changes only the status (and stamps its time); monitoring.services calls them, checks
    # can_proceed first and records the move in the history.
    @transition(field=status, source=[Status.NOT_STARTED], target=Status.DRAFT)
    def start(self) -> None:
        """The school saved its first criterion."""

    @transition(
        field=status, source=[Status.NOT_STARTED, Status.DRAFT, Status.RETURNED], target=Status.SUBMITTED
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(field=status, source=[Status.SUBMITTED], target=Status.RETURNED)
    def send_back(self) -> None:
        """Returned to the school with the reviewer's comments."""

    @transition(field=status, source=[Status.SUBMITTED], target=Status.APPROVED)
    def approve(self) -> None:
        self.approved_at = timezone.now()

    @transition(field=status, source=[Status.APPROVED], target=Status.PUBLISHED)
    def publish(self) -> None:
        self.published_at = timezone.now()


class DeadlineExtension(models.Model):
    """A self-assessment deadline moved later: for the whole campaign (no assessment) or for one
    school. The campaign's or the assessment's own date holds the deadline; this is who moved it,
    from when to when, and why."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="extensions")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.CASCADE, related_name="extensions"
    )
    # Copy of the school's unit path (empty for the campaign): scope filtering without a join.
    unit_path = models.CharField(max_length=255, blank=True)
    previous_deadline = models.DateField(_("previous deadline"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gt=F("previous_deadline")), name="monitoring_extension_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.assessment_id or '*'} → {self.new_deadline}"


class GroupResult(models.Model):
    """Points and level of one group for one assessment, kept up to date by the services."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    group = models.ForeignKey(FrameworkGroup, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    mandatory_met = models.BooleanField(default=False)
    level = models.PositiveSmallIntegerField(default=0)  # 0 = not reached / not yet assessed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "group"], name="monitoring_result_group"),
        ]
        indexes = [models.Index(fields=["group", "level"], name="monitoring_result_level")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.group_id} = {self.points} (L{self.level})"


class Entry(models.Model):
    """One criterion of one assessment: what the school entered and what the reviewer decided."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    # Copy of the criterion's maximum: lets the database refuse points above it.
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    value = models.CharField(_("value"), max_length=255, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)  # mandatory conditions
    sub_points = models.JSONField(default=dict, blank=True)  # {"a": "6", …}
    comment = models.TextField(_("school's comment"), blank=True)
    reviewed_points = models.DecimalField(
        _("points after review"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    review_reason = models.TextField(_("reason for the adjustment"), blank=True)
    # Why the school entered other points than the automatic ones (AutoPoint) it was given.
    override_reason = models.TextField(_("reason for changing the automatic points"), blank=True)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("assessment", "criterion__group__order", "criterion__order")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="monitoring_entry_criterion"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | (Q(points__gte=0) & Q(points__lte=F("max_points"))),
                name="monitoring_entry_points_max",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_points__isnull=True)
                | (Q(reviewed_points__gte=0) & Q(reviewed_points__lte=F("max_points"))),
                name="monitoring_entry_reviewed_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.criterion_id}"

    @property
    def final_points(self) -> Decimal:
        if self.reviewed_points is not None:
            return self.reviewed_points
        return self.points if self.points is not None else ZERO


class AutoPoint(models.Model):
    """Points an automatic indicator gave one sub-item (key = its code) or a criterion without
    sub-items (key ""), with their evidence as computed: the indicator, its value, its formula,
    where the data comes from and when."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="auto_points")
    key = models.CharField(max_length=16, blank=True)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    indicator_code = models.CharField(max_length=64)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)  # None: no data
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    formula = models.TextField(blank=True)
    source = models.TextField(blank=True)
    as_of = models.DateTimeField()

    class Meta:
        ordering = ("entry", "key")
        constraints = [
            models.UniqueConstraint(fields=["entry", "key"], name="monitoring_autopoint_key"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}:{self.key} = {self.points}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("File")
        LINK = "link", _("Link")
        RECORD = "record", _("Platform record")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to="monitoring/evidence/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField(_("link"), max_length=500, blank=True)
    record_ref = models.CharField(
        _("record"), max_length=100, blank=True
    )  # "indicator:registry.staff_records"
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("entry", "id")

    def __str__(self) -> str:
        return self.title
