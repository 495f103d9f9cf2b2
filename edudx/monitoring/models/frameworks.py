"""Frameworks: versioned data (groups, criteria, sub-items, scoring bands)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edudx.core.models import TimeStamped


class Framework(TimeStamped):
    class Subject(models.TextChoices):
        SCHOOL = "school", _("Schools")
        AUTHORITY = "authority", _("Education authorities")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", pgettext_lazy("framework state", "In use")
        RETIRED = "retired", pgettext_lazy("framework state", "Retired")

    code = models.CharField(_("decision"), max_length=32)  # "4725", "3806"
    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))  # the evaluation year (end of the school year)
    subject = models.CharField(_("evaluates"), max_length=12, choices=Subject.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    # Levels given on the total of all groups (3806) instead of per group (4725).
    levels_on_total = models.BooleanField(_("levels on the total"), default=False)
    level2_min = models.DecimalField(_("Level 2 from (points)"), max_digits=6, decimal_places=2, default=50)
    level3_above = models.DecimalField(
        _("Level 3 above (points)"), max_digits=6, decimal_places=2, default=75
    )
    notes = models.TextField(_("notes"), blank=True)
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    # The school levels the framework evaluates (empty: every level): a campaign covers only
    # these (4725 names general and continuing education, not preschools).
    levels = models.JSONField(_("school levels evaluated"), default=list, blank=True)

    class Meta:
        ordering = ("-year", "code")
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="monitoring_framework_code_year"),
        ]

    def __str__(self) -> str:
        return f"{self.code}/{self.year} · {self.name}"


class FrameworkGroup(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=16)  # "I", "II"
    name = models.CharField(_("name"), max_length=255)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=100)
    # Level rules: Level 1 below level2_min; Level 2 from level2_min to level3_above; Level 3 above.
    level2_min = models.DecimalField(_("Level 2 from (points)"), max_digits=6, decimal_places=2, default=50)
    level3_above = models.DecimalField(
        _("Level 3 above (points)"), max_digits=6, decimal_places=2, default=75
    )

    class Meta:
        ordering = ("framework", "order", "code")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="monitoring_group_code"),
            models.CheckConstraint(
                condition=Q(level3_above__gte=F("level2_min")), name="monitoring_group_levels"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    class Kind(models.TextChoices):
        POINTS = "points", _("Scored")
        MANDATORY = "mandatory", _("Mandatory condition (met / not met)")

    group = models.ForeignKey(FrameworkGroup, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=16)  # "I.3"
    name = models.CharField(_("name"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.POINTS)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=0)
    # Scoring bands: [{"label": "< 10", "min": 0, "max": 10}, …] (guidance beside the entry).
    bands = models.JSONField(_("scoring bands"), default=list, blank=True)
    evidence_required = models.TextField(_("evidence required"), blank=True)
    indicator_code = models.CharField(_("automatic indicator"), max_length=64, blank=True)

    class Meta:
        ordering = ("group__order", "order", "code")
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="monitoring_criterion_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="monitoring_criterion_max"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_mandatory(self) -> bool:
        return self.kind == self.Kind.MANDATORY


class SubItem(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="subitems")
    code = models.CharField(_("code"), max_length=16)  # "a", "b", …
    name = models.CharField(_("name"), max_length=500)
    order = models.PositiveSmallIntegerField(default=0)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=0)

    class Meta:
        ordering = ("criterion", "order", "code")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="monitoring_subitem_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="monitoring_subitem_max"),
        ]

    def __str__(self) -> str:
        return f"{self.code}) {self.name}"


class ScoringBand(models.Model):
    """How an automatic indicator scores one sub-item (or a criterion without sub-items): a value
    from `lower` on (inclusive) earns `points`, up to the next band's lower bound. A boolean
    indicator reads as 1 (yes) or 0 (no). Bands are data: an administrator corrects them, a
    cloned framework copies them."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scoring_bands")
    subitem_code = models.CharField(_("sub-item"), max_length=16, blank=True)  # "" = the criterion
    indicator_code = models.CharField(_("automatic indicator"), max_length=64)
    lower = models.DecimalField(_("from value"), max_digits=14, decimal_places=4)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ("criterion", "subitem_code", "lower")
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "subitem_code", "lower"], name="monitoring_band_lower"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="monitoring_band_points"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}{self.subitem_code} ≥ {self.lower} → {self.points}"
