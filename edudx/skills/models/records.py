"""Training records, pupils' competence levels and expiry alerts (issue #16 items 3–5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStamped

from . import Competence, Level, PersonCertificate


class TrainingRecord(TimeStamped):
    """A staff member's completed training in one competence of a teachers' framework: entered by
    the school, imported from a training provider's list, or recorded when a course of the
    learning app is completed (`services.training.course_completed`)."""

    class Source(models.TextChoices):
        ENTRY = "entry", _("Entered")
        IMPORT = "import", _("Imported")
        COURSE = "course", _("Online course")

    staff = models.ForeignKey("registry.Staff", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("training"), max_length=255)
    provider = models.CharField(_("provider"), max_length=255, blank=True)
    completed_on = models.DateField(_("completed on"))
    hours = models.PositiveSmallIntegerField(_("hours"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ENTRY)
    # Where it came from outside this app ("learning:course:12"): a course completed twice
    # records its evidence once.
    reference = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-completed_on", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "competence", "title", "completed_on"], name="skills_training_once"
            )
        ]
        indexes = [models.Index(fields=["staff", "competence"], name="skills_training_staff")]

    def __str__(self) -> str:
        return f"{self.staff_id} · {self.title}"


class PupilLevel(TimeStamped):
    """The level a pupil reached in one competence of the learners' framework in a school year,
    as their teacher assessed it (class-level entry or import). Seen by name only inside the
    pupil's school (`skills.assess_pupils`); beyond it only as counts."""

    class Source(models.TextChoices):
        ENTRY = "entry", _("Entered")
        IMPORT = "import", _("Imported")

    student = models.ForeignKey("registry.Student", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    school_year = models.CharField(_("school year"), max_length=9)
    grade = models.PositiveSmallIntegerField(_("grade"))  # when assessed: the band it is read against
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ENTRY)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["student", "competence", "school_year"], name="skills_pupillevel_one"
            )
        ]
        indexes = [models.Index(fields=["school", "school_year"], name="skills_pupillevel_school")]

    def __str__(self) -> str:
        return f"{self.student_id} · {self.competence_id}={self.level_id}"


class Alert(TimeStamped):
    """A certificate that runs out soon, or ran out: shown in-app to its holder (a staff member
    with a login) and to the people who manage their school's certificates. Written once per
    certificate and kind by the daily job (`services.alerts.alerts_send`)."""

    class Kind(models.TextChoices):
        EXPIRING = "expiring", _("Expires soon")
        EXPIRED = "expired", _("Expired")

    person_certificate = models.ForeignKey(PersonCertificate, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("alert"), max_length=8, choices=Kind.choices)
    staff = models.ForeignKey(
        "registry.Staff", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey("registry.School", on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    due_on = models.DateField(_("expires on"))

    class Meta:
        ordering = ("due_on", "id")
        constraints = [
            models.UniqueConstraint(fields=["person_certificate", "kind"], name="skills_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_certificate_id}"
