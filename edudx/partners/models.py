"""Partners: edtech companies, their apps (with the department's privacy and security review),
contracts, the schools that asked for and approved an app, the OAuth clients of approved apps,
consents of parents and pupils, and the log of every partner request.

Registry records (schools, pupils) are referenced by string; they are read through
`registry.selectors` only. See edudx/partners/README.md.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from edudx.core.models import TimeStamped

from .profiles import Category


class AppKind(models.TextChoices):
    LMS = "lms", _("Learning management system")
    QUIZ = "quiz", _("Quiz and assessment")
    FAMILY = "family", _("Family–school communication")
    CONTENT = "content", _("Learning content")
    OTHER = "other", _("Other")


class LegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("Contract for a public task")
    CONSENT = "consent", _("Consent of parents (and pupils aged 7+)")


class Company(TimeStamped):
    name = models.CharField(_("name"), max_length=200, unique=True)
    tax_code = models.CharField(_("tax code"), max_length=20, blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner company")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class AppState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    SUSPENDED = "suspended", _("Suspended")
    RETIRED = "retired", _("Retired")


class PartnerApp(TimeStamped):
    """An app of a partner company. Only an approved app is in the schools' catalogue and may
    receive data; suspending it stops every flow at the next request."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="apps")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=AppKind.choices, default=AppKind.OTHER)
    description = models.TextField(_("description"), blank=True)
    # The field profile: the data categories (profiles.Category) the app may receive. The
    # sharing policy may narrow it further per legal basis (policies app).
    categories = models.JSONField(_("data categories"), default=list, blank=True)
    # The privacy and security review: {checklist item key: {"ok": bool, "note": str}}; the
    # items are data (profiles.REVIEW_ITEMS), edited by the department.
    review = models.JSONField(_("review"), default=dict, blank=True)
    state = FSMField(
        _("state"), max_length=14, choices=AppState.choices, default=AppState.DRAFT, protected=False
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="partners_app_company_name")]
        verbose_name = _("partner app")

    def __str__(self) -> str:
        return self.name

    @property
    def category_set(self) -> frozenset[str]:
        return frozenset(c for c in self.categories if c in Category.values)

    # ----- the review workflow (decision 0010: one @transition per move; services check first)
    @transition(field=state, source=[AppState.DRAFT], target=AppState.UNDER_REVIEW)
    def submit(self) -> None:
        pass

    @transition(field=state, source=[AppState.UNDER_REVIEW], target=AppState.DRAFT)
    def send_back(self) -> None:
        pass

    @transition(field=state, source=[AppState.UNDER_REVIEW, AppState.SUSPENDED], target=AppState.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=state, source=[AppState.APPROVED], target=AppState.SUSPENDED)
    def suspend(self) -> None:
        pass

    @transition(
        field=state,
        source=[AppState.DRAFT, AppState.UNDER_REVIEW, AppState.APPROVED, AppState.SUSPENDED],
        target=AppState.RETIRED,
    )
    def retire(self) -> None:
        pass


class Contract(models.Model):
    app = models.ForeignKey(PartnerApp, on_delete=models.CASCADE, related_name="contracts")
    reference = models.CharField(_("reference"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-signed_on", "id"]

    def __str__(self) -> str:
        return self.reference


class UseState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class SchoolApp(TimeStamped):
    """A data flow from one school to one app: requested by the school, approved (or not) by
    the department or the ward, with its legal basis."""

    app = models.ForeignKey(PartnerApp, on_delete=models.CASCADE, related_name="school_uses")
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+")
    legal_basis = models.CharField(
        _("legal basis"), max_length=12, choices=LegalBasis.choices, default=LegalBasis.CONSENT
    )
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    state = FSMField(
        _("state"), max_length=10, choices=UseState.choices, default=UseState.REQUESTED, protected=False
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["app", "school"], name="partners_use_app_school")]
        indexes = [models.Index(fields=["school", "state"], name="partners_use_school_state")]

    @transition(
        field=state, source=[UseState.REQUESTED, UseState.REFUSED, UseState.REVOKED], target=UseState.APPROVED
    )
    def approve(self) -> None:
        pass

    @transition(field=state, source=[UseState.REQUESTED], target=UseState.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field=state, source=[UseState.APPROVED], target=UseState.REVOKED)
    def revoke(self) -> None:
        pass

    @transition(field=state, source=[UseState.REFUSED, UseState.REVOKED], target=UseState.REQUESTED)
    def request_again(self) -> None:
        pass


class PartnerClient(TimeStamped):
    """An OAuth 2.0 client (client credentials) of an approved app. Its secret lives hashed in
    oauth2_provider's Application; revoking deletes the Application and its tokens."""

    app = models.ForeignKey(PartnerApp, on_delete=models.CASCADE, related_name="clients")
    # The django-oauth-toolkit Application's id (a plain column: DOT's model is swappable, and
    # a foreign key to it would need the swappable setting declared); None once revoked.
    application_id = models.BigIntegerField(null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=100)
    client_id = models.CharField(_("client ID"), max_length=100, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]


class Party(models.TextChoices):
    PARENT = "parent", _("Parent or legal representative")
    PUPIL = "pupil", _("Pupil")


class Consent(models.Model):
    """The current answer of one party for one pupil and one app; its history is in
    core.history. A withdrawn consent keeps its row: the partner sees the pupil as deleted."""

    app = models.ForeignKey(PartnerApp, on_delete=models.CASCADE, related_name="consents")
    student = models.ForeignKey("registry.Student", on_delete=models.CASCADE, related_name="+")
    party = models.CharField(_("party"), max_length=8, choices=Party.choices)
    given = models.BooleanField(_("given"))
    changed_at = models.DateTimeField(_("changed at"))
    channel = models.CharField(_("channel"), max_length=20, blank=True)  # web, phone, paper

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["app", "student", "party"], name="partners_consent_once"),
        ]
        indexes = [models.Index(fields=["app", "changed_at"], name="partners_consent_app_changed")]

    def __str__(self) -> str:
        return f"{self.party} {'+' if self.given else '-'} app {self.app_id}"


class AccessLog(models.Model):
    """One row per partner request and school drawn from (one with no school when the answer
    held no school's data): who, which door, how many records, which fields."""

    at = models.DateTimeField()
    client = models.ForeignKey(PartnerClient, on_delete=models.SET_NULL, null=True, related_name="+")
    app = models.ForeignKey(PartnerApp, on_delete=models.CASCADE, related_name="access_logs")
    school = models.ForeignKey("registry.School", on_delete=models.SET_NULL, null=True, related_name="+")
    endpoint = models.CharField(max_length=200)
    query = models.CharField(max_length=500, blank=True)
    status = models.PositiveSmallIntegerField()
    records = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=list)
    people = models.BooleanField(default=False)  # the answer held pupils' or staff's data

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["app", "at"], name="partners_log_app_at"),
            models.Index(fields=["school", "at"], name="partners_log_school_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.endpoint}"


class Change(models.Model):
    """The change log the partners' feeds read: one row per record touched and school it was
    (or is) in, appended by database triggers (`partners.changes`) on the registry's tables and
    the consents, so every writer — services, imports, merges, raw SQL — is seen. The id is the
    version a feed's cursor carries. A record no longer visible to an app when read (moved to
    another school, deleted, left, consent withdrawn) is shown to it as `tobedeleted`."""

    # Written by triggers as a consequence of other tables' writes (even a flush's deletes):
    # not anyone's data — a restore's "empty database" check and the matrices' write
    # fingerprints skip it, as they skip core's maintained figures.
    derived = True

    id = models.BigAutoField(primary_key=True)
    # The OneRoster sourcedId prefix of the record: org, cl, s, st, e, ta.
    prefix = models.CharField(max_length=4)
    object_id = models.BigIntegerField()
    school_id = models.BigIntegerField(null=True)  # plain column: no join, no cascade
    at = models.DateTimeField()
    # Set on the rows one app's view wrote (services.views_change.announce): a school left or
    # entered the app's view (approval revoked or given, app suspended, retired or approved
    # again, profile narrowed) — one row per record of the school the app could see. Only that
    # app reads them; the triggers' rows (every app) leave it empty.
    app_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["school_id", "prefix", "id"], name="partners_change_school_prefix"),
            models.Index(fields=["prefix", "object_id"], name="partners_change_object"),
            models.Index(fields=["app_id", "prefix", "id"], name="partners_change_app_prefix"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.prefix}{self.object_id}"
