"""LRS tables: credentials, statements (JSON once + indexed keys), documents, attachments.

Storage is shaped for hundreds of millions of statements. The statement JSON is written
once, as text, exactly as it is served; every filter the xAPI query language offers
(agent, verb, activity, registration, and their related_* widenings) is answered by one
narrow key table, `StatementKey`, holding a 64-bit hash of "kind|value" with the stored
time, so a filtered page is one b-tree range scan ordered by (stored, statement). Only the
voided flag of a statement ever changes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStamped


class Credential(TimeStamped):
    """A key a partner or a tool uses to talk xAPI: HTTP Basic (key:secret) or OAuth2
    client credentials. Bound to a unit (reads and writes stay inside its subtree) and to
    the authority agent stamped on every statement it writes."""

    name = models.CharField(_("name"), max_length=150)
    unit = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="lrs_credentials", verbose_name=_("unit")
    )
    unit_path = models.CharField(max_length=255, editable=False, db_index=True)
    key = models.CharField(_("key"), max_length=64, unique=True)
    # SHA-256 of a 256-bit random secret: the secret is never a human password, so a fast
    # hash is as safe as a slow one and keeps per-request authentication cheap.
    secret_hash = models.CharField(max_length=64)
    authority = models.JSONField(_("authority"))
    can_write = models.BooleanField(_("may write"), default=True)
    can_read = models.BooleanField(_("may read"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("LRS credential")
        verbose_name_plural = _("LRS credentials")

    def __str__(self) -> str:
        return self.name


class AccessToken(models.Model):
    """An OAuth2 bearer token issued by the client-credentials grant."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"token {self.pk}"


class LaunchToken(models.Model):
    """The auth token of one cmi5 launch: an LMS (the learning app) issues it for one learner
    (`actor`), one registration and one AU (`activity_id`); the AU sends it as HTTP Basic
    credentials (`key:secret`). It may write only statements of that actor, registration and
    AU, and read or write only that AU's and actor's documents — never read statements."""

    key = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    unit_path = models.CharField(max_length=255)
    authority = models.JSONField()
    actor = models.JSONField()
    registration = models.UUIDField()
    activity_id = models.CharField(max_length=1024)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class Statement(models.Model):
    id = models.BigAutoField(primary_key=True)
    # Unique per unit (constraint `lrs_stmt_id_unit`), not LRS-wide: a credential's subtree is
    # its own LRS, so an id another school already used must be accepted (and stored) as if
    # new — refusing it would tell the caller the id exists elsewhere (docs/lrs-conformance.md).
    statement_id = models.UUIDField()
    stored = models.DateTimeField()
    # The JSON served for format=exact (authority, stored, version, timestamp filled in).
    data = models.TextField()
    voided = models.BooleanField(default=False)
    # The statement id this one voids (for a voiding statement), to refuse voiding a voider
    # and to void a statement that arrives after its voider.
    voids = models.UUIDField(null=True, blank=True, db_index=True)
    unit_path = models.CharField(max_length=255)
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Denormalised for analytics (read by DuckDB/SQL without parsing JSON).
    verb_iri = models.CharField(max_length=512)
    actor_key = models.CharField(max_length=512)
    object_iri = models.CharField(max_length=512, blank=True)
    timestamp = models.DateTimeField()
    success = models.BooleanField(null=True)
    completion = models.BooleanField(null=True)
    score_scaled = models.FloatField(null=True)
    has_attachments = models.BooleanField(default=False)

    class Meta:
        constraints = [
            # Leads with statement_id: every lookup by id (conflicts, voiding, GET) is one probe.
            models.UniqueConstraint(fields=["statement_id", "unit_path"], name="lrs_stmt_id_unit"),
        ]
        indexes = [
            # The feed of a key whose subtree is the whole store (no unit condition).
            models.Index(fields=["stored", "id"], name="lrs_stmt_stored"),
            # The feed of one unit, in the feed's order: a page is one range read from the
            # keyset position, whatever the depth (query.run, per unit path of the subtree);
            # `voided` last, so skipping voided statements reads no row.
            models.Index(fields=["unit_path", "-stored", "-id", "voided"], name="lrs_stmt_unit_feed"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class KeyKind(models.IntegerChoices):
    AGENT = 1  # actor, or object when it is an Agent/Group
    ACTIVITY = 2  # object when it is an Activity
    VERB = 3
    REGISTRATION = 4


class StatementKey(models.Model):
    """One filterable key of a statement: hash("kind|value"), direct or only related."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="keys", db_index=False)
    key = models.BigIntegerField()
    # True when the key matches without related_agents/related_activities.
    direct = models.BooleanField(default=True)
    stored = models.DateTimeField()

    class Meta:
        indexes = [
            # `direct` last: the filtered page reads only this index (covering), never
            # the key rows themselves — one random read per candidate instead of two.
            models.Index(fields=["key", "stored", "statement", "direct"], name="lrs_key_stored_direct"),
            models.Index(fields=["statement"], name="lrs_key_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.key}@{self.statement_id}"


class Attachment(models.Model):
    """Attachment content, deduplicated by its SHA-2, kept through the storage API."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    length = models.BigIntegerField()
    file = models.FileField(upload_to="lrs/attachments/")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.sha2


class StatementAttachment(models.Model):
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="attachment_links")
    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "attachment"], name="lrs_stmt_attachment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}:{self.attachment_id}"


class DocumentKind(models.TextChoices):
    STATE = "state", _("State")
    ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
    AGENT_PROFILE = "agent_profile", _("Agent profile")


class Document(models.Model):
    """A State, Activity Profile or Agent Profile document. `scope_key` is a hash of the
    document's coordinates without its id (activity, agent, registration), so listing ids
    and deleting all states are one index range. Documents live in the namespace of the
    credential's unit."""

    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    unit_path = models.CharField(max_length=255)
    scope_key = models.CharField(max_length=40)
    doc_id = models.CharField(max_length=1024)
    activity_id = models.CharField(max_length=1024, blank=True)
    agent = models.JSONField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField()
    content = models.BinaryField(null=True, blank=True)
    file = models.FileField(upload_to="lrs/documents/", blank=True)
    credential = models.ForeignKey(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit_path", "scope_key", "doc_id"], name="lrs_document_unique")
        ]
        indexes = [models.Index(fields=["unit_path", "scope_key", "updated"], name="lrs_document_scope")]

    def __str__(self) -> str:
        return self.doc_id


class Activity(models.Model):
    """The canonical definition of an activity, merged from the statements that carry it."""

    iri = models.CharField(max_length=1024)
    iri_hash = models.CharField(max_length=40, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.iri
