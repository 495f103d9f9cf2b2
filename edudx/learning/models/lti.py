"""LTI 1.3 platform side (issue #15 item 8): the external tools a department or school registers,
the platform's signing keys, the AGS line items and scores tools post, and the one-time tokens
(nonces, client-assertion jti) that must not be seen twice. See learning/lti/."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition


class ToolState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class LtiTool(models.Model):
    """An external tool registered by a unit's admin: launched from `lti` blocks of the courses
    in that unit's subtree. `client_id` is generated; the tool's key is its JWKS (fetched from
    `jwks_url`, or pasted in `jwks`) or one PEM public key."""

    name = models.CharField(_("name"), max_length=200)
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    client_id = models.CharField(max_length=64, unique=True, editable=False)
    deployment_id = models.CharField(_("deployment id"), max_length=64)
    login_url = models.URLField(_("OIDC login initiation URL"), max_length=500)
    target_link_url = models.URLField(_("target link URL"), max_length=500)
    redirect_uris = models.JSONField(_("redirect URIs"), default=list)
    jwks_url = models.URLField(_("tool JWKS URL"), max_length=500, blank=True)
    jwks = models.JSONField(_("tool JWKS"), default=dict, blank=True)
    public_key = models.TextField(_("tool public key (PEM)"), blank=True)
    scopes = models.JSONField(_("allowed scopes"), default=list)
    # Field profile: what the tool may learn about a person (off by default: an opaque id only).
    share_name = models.BooleanField(_("share names"), default=False)
    share_email = models.BooleanField(_("share e-mail addresses"), default=False)
    custom = models.JSONField(_("custom parameters"), default=dict, blank=True)
    state = FSMField(
        _("state"), max_length=10, choices=ToolState.choices, default=ToolState.DRAFT, protected=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "id")
        verbose_name = _("external tool")

    def __str__(self) -> str:
        return self.name

    @transition(field=state, source=[ToolState.DRAFT, ToolState.SUSPENDED], target=ToolState.ACTIVE)
    def activate(self) -> None:
        """The tool may be launched and may call the platform's services."""

    @transition(field=state, source=[ToolState.ACTIVE], target=ToolState.SUSPENDED)
    def suspend(self) -> None:
        """No launch, no token, no score until it is activated again; its blocks stay."""


class LtiPlatformKey(models.Model):
    """The platform's RSA key pair. The private key is stored encrypted (Fernet, key derived from
    SECRET_KEY); a retired key stays in the JWKS until `expires_at` so tokens it signed verify."""

    kid = models.CharField(max_length=64, unique=True)
    private_key = models.TextField()  # Fernet token of the PKCS#8 PEM
    public_jwk = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.kid


class LtiLineItem(models.Model):
    """An AGS line item of a course (context) for one tool; bound to an `lti` block when it came
    with the block (Deep Linking's lineItem) — its scores then grade that block."""

    tool = models.ForeignKey(LtiTool, on_delete=models.CASCADE, related_name="line_items")
    course = models.ForeignKey("learning.Course", on_delete=models.CASCADE, related_name="+")
    block = models.ForeignKey(
        "learning.Block", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    label = models.CharField(max_length=200)
    score_maximum = models.DecimalField(max_digits=10, decimal_places=2)
    resource_id = models.CharField(max_length=200, blank=True)
    tag = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.label


class LtiScore(models.Model):
    """The last score a tool posted for a learner on a line item (AGS keeps the latest)."""

    line_item = models.ForeignKey(LtiLineItem, on_delete=models.CASCADE, related_name="scores")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score_given = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    score_maximum = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    activity_progress = models.CharField(max_length=20)
    grading_progress = models.CharField(max_length=20)
    comment = models.CharField(max_length=1000, blank=True)
    timestamp = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line_item", "user"], name="learning_lti_score_once")]

    def __str__(self) -> str:
        return f"{self.line_item_id}:{self.user_id}"


class LtiUsed(models.Model):
    """A nonce or jti already accepted (replays are refused); forgotten after `expires_at`."""

    key = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key
