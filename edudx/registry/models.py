"""School years, schools, classes, students, staff, enrolments and teaching assignments.

edudx is a data hub: the sector database (CSDL ngành) creates original records and MOET
codes; edudx takes them in, validates and links them. MOET codes are unique and immutable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStamped
from edudx.core.rules.curriculum import Subject
from edudx.core.rules.levels import Level, Ownership
from edudx.core.rules.people import Gender, Position, Qualification, StaffStatus, StudentStatus
from edudx.core.text import SORT_KEY_MAX_LENGTH, vn_sort_key


class SchoolYear(models.Model):
    code = models.CharField(_("school year"), max_length=9, unique=True)  # "2025-2026"
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_current = models.BooleanField(_("current"), default=False)
    # A closed year stays readable but can never be current again (registry.services.years).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ("-code",)
        verbose_name = _("school year")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="registry_one_current_year"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="registry_year_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Term(models.Model):
    year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(_("code"), max_length=8)  # HK1, HK2
    name = models.CharField(_("name"), max_length=50)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ("year", "start_date")
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="registry_term_unique")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class School(TimeStamped):
    """A school is a unit of the organisation tree (its name and parent live there)."""

    unit = models.OneToOneField("orgs.OrgUnit", on_delete=models.PROTECT, related_name="school")
    moet_code = models.CharField(_("MOET code"), max_length=20, unique=True)
    level = models.CharField(_("school level"), max_length=12, choices=Level.choices)
    ownership = models.CharField(
        _("ownership"), max_length=12, choices=Ownership.choices, default=Ownership.CONG_LAP
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    name_key = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        ordering = ("name_key", "id")
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.unit.name

    @property
    def name(self) -> str:
        return self.unit.name


class SchoolClass(TimeStamped):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="classes")
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="classes")
    grade = models.PositiveSmallIntegerField(_("grade"))  # 0 = preschool group
    name = models.CharField(_("class"), max_length=40)
    homeroom_teacher = models.ForeignKey(
        "Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homeroom_classes",
        verbose_name=_("homeroom teacher"),
    )

    class Meta:
        ordering = ("grade", "name", "id")
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["school", "year", "name"], name="registry_class_unique"),
            models.CheckConstraint(condition=Q(grade__lte=12), name="registry_class_grade_range"),
        ]
        # The class list of a year in its order (the department's: 131,000 classes of a city
        # sorted per view without it, issue #21).
        indexes = [models.Index(fields=["year", "grade", "name", "id"], name="registry_class_year_order")]

    def __str__(self) -> str:
        return self.name


class Person(TimeStamped):
    moet_code = models.CharField(_("MOET code"), max_length=20, null=True, blank=True, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    name_key = models.CharField(max_length=150, editable=False)
    # Lists sort by it (given, middle, family name; Vietnamese collation): core.text.vn_sort_key.
    # Bulk writers that skip save() compute it themselves (registry.services.bulk, demo load).
    sort_name = models.CharField(max_length=SORT_KEY_MAX_LENGTH, editable=False, default="")
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    personal_id = models.CharField(_("personal ID"), max_length=12, null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.sort_name = vn_sort_key(self.full_name)
        fields = kwargs.get("update_fields")
        if fields is not None and "full_name" in fields:
            kwargs["update_fields"] = {*fields, "sort_name"}
        super().save(*args, **kwargs)


class Student(Person):
    status = models.CharField(
        _("status"), max_length=16, choices=StudentStatus.choices, default=StudentStatus.DANG_HOC
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    disability = models.CharField(_("disability"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=150, blank=True)
    mother_name = models.CharField(_("mother's name"), max_length=150, blank=True)
    guardian_name = models.CharField(_("guardian's name"), max_length=150, blank=True)
    parent_phone = models.CharField(_("parent's phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=255, blank=True)
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="students",
        verbose_name=_("school"),
        db_index=False,  # registry_student_school_sort and _school_stat both lead with school
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student_record",
    )

    class Meta:
        ordering = ("sort_name", "id")
        verbose_name = _("student")
        verbose_name_plural = _("students")
        indexes = [
            models.Index(fields=["sort_name", "id"], name="registry_student_sort"),
            models.Index(fields=["school", "sort_name", "id"], name="registry_student_school_sort"),
            models.Index(fields=["personal_id"], name="registry_student_pid"),
            # Covers "pupils studying per school" counts that dashboards of every module run.
            models.Index(fields=["school", "status"], name="registry_student_school_stat"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=Q(personal_id__isnull=False) & ~Q(personal_id=""),
                name="registry_student_pid_unique",
                violation_error_code="personal_id_taken",
                violation_error_message=_("This personal ID already belongs to another person."),
            ),
        ]


class Staff(Person):
    position = models.CharField(
        _("position"), max_length=20, choices=Position.choices, default=Position.TEACHER
    )
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    qualification = models.CharField(
        _("qualification"), max_length=12, choices=Qualification.choices, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=StaffStatus.choices, default=StaffStatus.WORKING
    )
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("school"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_record",
    )

    class Meta:
        ordering = ("sort_name", "id")
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [
            models.Index(fields=["sort_name", "id"], name="registry_staff_sort"),
            models.Index(fields=["school", "sort_name", "id"], name="registry_staff_school_sort"),
            models.Index(fields=["personal_id"], name="registry_staff_pid"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=Q(personal_id__isnull=False) & ~Q(personal_id=""),
                name="registry_staff_pid_unique",
                violation_error_code="personal_id_taken",
                violation_error_message=_("This personal ID already belongs to another person."),
            ),
        ]


class Enrolment(models.Model):
    """A student in a class for a year. A transfer ends one enrolment and starts another,
    and the two point at each other, so both ends stay on record."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFERRED = "transferred", _("Transferred out")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrolments")
    # No index of its own: registry_enrol_class_state leads with the class.
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrolments", db_index=False
    )
    year = models.ForeignKey(SchoolYear, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.ACTIVE)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ("-start_date", "-id")
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "year"],
                condition=Q(state="active"),
                name="registry_one_active_enrolment_per_year",
            ),
        ]
        indexes = [models.Index(fields=["school_class", "state"], name="registry_enrol_class_state")]

    def __str__(self) -> str:
        return f"{self.student} — {self.school_class} ({self.year})"


class TeachingAssignment(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="assignments")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="assignments")
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    periods_per_week = models.DecimalField(
        _("periods per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("teaching assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "subject"], name="registry_one_teacher_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff} — {self.get_subject_display()} {self.school_class}"
