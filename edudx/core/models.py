"""Base models and the change history every service writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class HistoryEntry(models.Model):
    """One change to one record: who, when, through which door and action, before/after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        MOVE = "move", _("Moved")
        TRANSFER = "transfer", _("Transferred")
        STATUS = "status", _("Status changed")
        GRANT = "grant", _("Role granted")
        REVOKE = "revoke", _("Role revoked")
        OTHER = "other", _("Other")

    # No index of its own: core_hist_obj_at leads with it (migration 0002).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=32)
    # A short machine word for what the user did, e.g. "student_update" or "import".
    operation = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    via = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=128, blank=True)
    # {"field": [before, after], ...}; for create only "after" values, for delete only "before".
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-at", "-id")
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="core_hist_obj_at")]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} by {self.actor_label} at {self.at:%Y-%m-%d %H:%M}"


class Setting(models.Model):
    """Runtime-tunable values (current school year, limits), editable without a deploy."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class Aggregate(models.Model):
    """A figure kept current instead of recomputed per view (edudx/core/aggregates.py): one row
    per (aggregate name, key) — key is a school id, a unit id, or 0 for a city-wide figure."""

    # Derived from other tables and rewritten by reads' refreshes: not anyone's data (the
    # route and bulk-door matrices do not count its rows as writes).
    derived = True

    name = models.CharField(max_length=64)
    key = models.BigIntegerField()
    data = models.JSONField()
    as_of = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "key"], name="core_aggregate_name_key")]

    def __str__(self) -> str:
        return f"{self.name}[{self.key}] as of {self.as_of:%Y-%m-%d %H:%M:%S}"


class AggregateChange(models.Model):
    """An input of aggregate `name` changed for `key` (a school) and its figures are not yet
    recomputed: written by database triggers on the input tables (edudx/core/aggregates.py), read
    and deleted by the next sweep, which recomputes only those keys."""

    # Derived from other tables and rewritten by reads' refreshes: not anyone's data (the
    # route and bulk-door matrices do not count its rows as writes).
    derived = True

    name = models.CharField(max_length=64)
    key = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["name", "key"], name="core_aggchange_name_key")]

    def __str__(self) -> str:
        return f"{self.name}[{self.key}] changed"


class AggregateState(models.Model):
    """When aggregate `name` last took in every change (its figures are current as of
    `swept_at`), and the day of its last full recount (figures that depend on the date)."""

    # Derived from other tables and rewritten by reads' refreshes: not anyone's data (the
    # route and bulk-door matrices do not count its rows as writes).
    derived = True

    name = models.CharField(max_length=64, unique=True)
    swept_at = models.DateTimeField()
    full_on = models.DateField(null=True)
    # Bumped by every store of figures (a sweep, a write's touch, a full count): what a
    # per-process memo of derived figures (aggregates.derived) is keyed by.
    version = models.BigIntegerField(default=0)
    # The version the last store replaced and the keys it stored (or removed): a process whose
    # copy of every key is at `previous_version` fetches those keys only (aggregates._fetch_wide)
    # — a principal's device report no longer makes each worker fetch 3,500 schools' figures.
    # None: the last store was a full count, or too wide to list.
    previous_version = models.BigIntegerField(null=True)
    changed_keys = models.JSONField(null=True)

    def __str__(self) -> str:
        return f"{self.name} swept at {self.swept_at:%Y-%m-%d %H:%M:%S}"
