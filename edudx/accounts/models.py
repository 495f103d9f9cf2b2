"""Users, their memberships (user × unit or grouping × role) and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.roles import Role


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="vi", choices=[("vi", "Tiếng Việt"), ("en", "English")]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    """A role held on a unit (and its subtree) or on a grouping (and its members' subtrees)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_memberships",
        verbose_name=_("unit"),
    )
    grouping = models.ForeignKey(
        "orgs.Grouping",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_memberships",
        verbose_name=_("grouping"),
    )
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(unit__isnull=False, grouping__isnull=True)
                    | Q(unit__isnull=True, grouping__isnull=False)
                ),
                name="accounts_membership_unit_xor_grouping",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                name="accounts_membership_unit_unique",
                condition=Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "grouping"],
                name="accounts_membership_grouping_unique",
                condition=Q(grouping__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit or self.grouping}"


class ApiToken(models.Model):
    """A bearer token for the REST API; only a hash is stored, the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
