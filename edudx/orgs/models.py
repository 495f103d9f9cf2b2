"""The tree of organisational units and the groupings beside it.

The tree has any depth (department → wards/communes → schools today; it changed in 2025 and
will change again), so no level is hard-coded. Each unit carries a materialised path of
fixed-width digit segments: a subtree is one indexed range scan (core.scope.subtree_q).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStamped

SEGMENT_WIDTH = 7  # up to 9,999,999 units; a path of depth d has d*7 digits


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department of Education and Training")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    OFFICE = "office", _("Office or division")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other unit")


class OrgUnit(TimeStamped):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("path",)
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["kind", "path"], name="orgs_unit_kind_path")]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        w = SEGMENT_WIDTH
        return [self.path[: i * w] for i in range(1, len(self.path) // w)]


class GroupingKind(models.TextChoices):
    CLUSTER = "cluster", _("Professional cluster (cụm trường)")
    PROGRAMME = "programme", _("Programme or project")
    OTHER = "other", _("Other grouping")


class Grouping(TimeStamped):
    """A set of units beside the tree, e.g. a professional cluster of schools."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(
        _("kind"), max_length=20, choices=GroupingKind.choices, default=GroupingKind.CLUSTER
    )
    owner = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="owned_groupings", verbose_name=_("owner")
    )
    members = models.ManyToManyField(OrgUnit, through="GroupingMember", related_name="groupings")
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ("code",)
        verbose_name = _("grouping")
        verbose_name_plural = _("groupings")

    def __str__(self) -> str:
        return self.name


class GroupingMember(models.Model):
    grouping = models.ForeignKey(Grouping, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="grouping_memberships")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grouping", "unit"], name="orgs_grouping_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} ∈ {self.grouping}"
