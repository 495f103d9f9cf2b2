"""Digital competence and IT certificates (issue #16; domain.md §8).

Frameworks (learners', teachers'/managers', the national IT-skills standard) and the
certificate catalogue are data, shipped by a data migration and edited by the department
through services with history. People's certificates move through a django-fsm-2 machine
(decision 0010); staff self-assess per competence in a yearly campaign built on
`core.campaigns` (the pattern monitoring's campaigns follow).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from edudx.core.campaigns import CampaignWindow, Submission
from edudx.core.models import TimeStamped


class Framework(TimeStamped):
    class Audience(models.TextChoices):
        LEARNER = "learner", _("Learners")
        TEACHER = "teacher", _("Teachers and managers")
        IT_STANDARD = "it_standard", _("National IT-skills standard")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("In force")
        RETIRED = "retired", _("Retired")

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices)
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ("audience", "code", "-version")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="skills_framework_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("framework", "order", "code")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="skills_domain_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Competence(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="competences")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # IT-skills standard: IU01–IU06 are the basic modules, IU07–IU15 the advanced ones.
    is_basic = models.BooleanField(_("basic module"), default=False)
    verify = models.BooleanField(_("to verify"), default=False, help_text=_("The sources disagree."))

    class Meta:
        ordering = ("framework", "order", "code")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="skills_competence_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(_("rank"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=120)
    # Learners' levels apply to a band of grades (1–3, 4–5, …); none for adults.
    grade_from = models.PositiveSmallIntegerField(_("from grade"), null=True, blank=True)
    grade_to = models.PositiveSmallIntegerField(_("to grade"), null=True, blank=True)
    verify = models.BooleanField(_("to verify"), default=False)

    class Meta:
        ordering = ("framework", "rank", "grade_from")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="skills_level_code")]

    def __str__(self) -> str:
        return self.name


class Certificate(TimeStamped):
    """A certificate of the catalogue: IC3 GS6, ICDL Spreadsheets, MOS Excel 2019, Circular 03 basic…"""

    class Family(models.TextChoices):
        IC3 = "ic3", "IC3"
        ICDL = "icdl", "ICDL"
        MOS = "mos", "MOS"
        TT03 = "tt03", _("Circular 03/2014 IT skills")
        OTHER = "other", _("Other")

    class Standard(models.TextChoices):
        NONE = "", _("None")
        BASIC = "basic", _("Basic IT skills")
        ADVANCED = "advanced", _("Advanced IT skills")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    family = models.CharField(_("family"), max_length=8, choices=Family.choices)
    issuer = models.CharField(_("issuer"), max_length=255)
    levels = models.JSONField(_("levels"), default=list, blank=True)
    # None: the certificate does not expire (IC3).
    validity_months = models.PositiveSmallIntegerField(_("validity (months)"), null=True, blank=True)
    meets_standard = models.CharField(
        _("meets the IT-skills standard"), max_length=10, choices=Standard.choices, blank=True, default=""
    )
    modules = models.ManyToManyField(
        Competence, blank=True, related_name="+", verbose_name=_("IT-standard modules covered")
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="certificates", verbose_name=_("framework competences covered")
    )
    is_active = models.BooleanField(_("in the catalogue"), default=True)
    verify = models.BooleanField(_("to verify"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ("family", "code")

    def __str__(self) -> str:
        return self.name


class IssuerNumber(models.Model):
    """A certificate number on an issuer's list: what verification checks a number against."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="issued")
    number = models.CharField(_("certificate number"), max_length=64)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked by the issuer"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["certificate", "number"], name="skills_issuer_number")]

    def __str__(self) -> str:
        return self.number


class PersonCertificate(TimeStamped):
    """A certificate a staff member or a pupil holds (exactly one of the two)."""

    class State(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        VERIFIED = "verified", _("Verified")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    class Source(models.TextChoices):
        CLAIM = "claim", _("Declared")
        IMPORT = "import", _("Test centre's list")

    # Indexes: certificate and school lead skills_pcert_number and skills_pcert_school, so their
    # own single-column indexes would only cost every import's inserts.
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, related_name="holders", db_index=False
    )
    staff = models.ForeignKey(
        "registry.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    student = models.ForeignKey(
        "registry.Student", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", db_index=False)
    unit_path = models.CharField(max_length=255, db_index=True)  # the school's path: scope without a join
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=40, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.CLAIM)
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.CLAIMED, protected=False)
    state_note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ("-issued_on", "-id")
        constraints = [
            models.CheckConstraint(
                condition=Q(staff__isnull=False, student__isnull=True)
                | Q(staff__isnull=True, student__isnull=False),
                name="skills_personcert_one_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "certificate", "state"], name="skills_pcert_school"),
            models.Index(fields=["certificate", "number"], name="skills_pcert_number"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.number}"

    # ----- every allowed move, in one place (decision 0010); services check can_proceed first.
    @transition(field=state, source=[State.CLAIMED, State.EXPIRED], target=State.VERIFIED)
    def verify(self) -> None:
        """The number is on the issuer's list (an expired one renewed counts again)."""

    @transition(field=state, source=[State.CLAIMED, State.VERIFIED], target=State.EXPIRED)
    def expire(self) -> None:
        """Its validity ran out."""

    @transition(field=state, source=[State.CLAIMED, State.VERIFIED, State.EXPIRED], target=State.REVOKED)
    def revoke(self) -> None:
        """The issuer withdrew it, or the claim was false."""


class ExamResult(TimeStamped):
    """One row of a test centre's result list, kept as imported; matched to a person or listed
    for review."""

    class Match(models.TextChoices):
        PID = "pid", _("By personal ID")
        NAME_DOB = "name_dob", _("By name and date of birth")
        MANUAL = "manual", _("By a reviewer")
        NONE = "none", _("Unmatched")

    # Indexed by skills_result_number (certificate, number), which it leads.
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="+", db_index=False)
    number = models.CharField(_("certificate number"), max_length=64)
    candidate_name = models.CharField(_("candidate"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    personal_id = models.CharField(_("personal ID"), max_length=14, blank=True)
    level = models.CharField(_("level"), max_length=40, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    taken_on = models.DateField(_("date"), null=True, blank=True)
    match = models.CharField(_("match"), max_length=10, choices=Match.choices, default=Match.NONE)
    staff = models.ForeignKey(
        "registry.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    student = models.ForeignKey(
        "registry.Student", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_certificate = models.ForeignKey(
        PersonCertificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    # The unit that imported it (the department): who reviews the unmatched rows.
    unit_path = models.CharField(max_length=255, db_index=True)

    class Meta:
        ordering = ("-id",)
        constraints = [models.UniqueConstraint(fields=["certificate", "number"], name="skills_result_number")]
        indexes = [models.Index(fields=["match", "id"], name="skills_result_match")]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.number}"


class TargetLevel(models.Model):
    """The level the department wants staff of a position to reach in a framework's competences."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="targets")
    position = models.CharField(_("position"), max_length=20)  # registry Position code
    rank = models.PositiveSmallIntegerField(_("target level"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "position"], name="skills_target_position")
        ]

    def __str__(self) -> str:
        return f"{self.position} ≥ {self.rank}"


class Campaign(CampaignWindow):
    """A yearly self-assessment of staff against a teachers' framework."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="campaigns")
    owner = models.ForeignKey("orgs.OrgUnit", on_delete=models.PROTECT, related_name="+")

    class Meta(CampaignWindow.Meta):
        abstract = False


class SelfAssessment(Submission):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessments")
    staff = models.ForeignKey("registry.Staff", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    position = models.CharField(max_length=20, blank=True)  # snapshot when the campaign opened

    class Meta:
        ordering = ("campaign", "unit_path", "id")
        constraints = [models.UniqueConstraint(fields=["campaign", "staff"], name="skills_selfassess_staff")]
        indexes = [models.Index(fields=["campaign", "status"], name="skills_selfassess_status")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.staff_id}"


class Rating(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="ratings")
    competence = models.ForeignKey(Competence, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("level"))
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "competence"], name="skills_rating_one")]

    def __str__(self) -> str:
        return f"{self.competence_id}={self.rank}"


# Records about people that close gaps and warn (issue #16 items 3–5), in their own module.
from .records import Alert, PupilLevel, TrainingRecord  # noqa: E402

__all__ = [
    "Alert", "Campaign", "Certificate", "Competence", "Domain", "ExamResult", "Framework", "IssuerNumber", "Level",
    "PersonCertificate", "PupilLevel", "Rating", "SelfAssessment", "TargetLevel", "TrainingRecord",
]  # fmt: skip
