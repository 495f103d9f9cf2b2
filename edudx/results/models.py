"""Learning results (Circular 22/2021 for secondary, Circular 27/2020 for primary).

One row per pupil × class × subject × semester (`SubjectResult`), its scores packed: the regular
assessments (ĐĐGtx) as one text of tenths ("75,80,90"), midterm and final as tenths — a city's
semester is 50 million subject rows, so one row per score would be 250 million. Averages, levels,
learning results and promotion are computed (`rules.py`, by the rules row in force), never typed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """The assessment rules as data: weights, the year formula, the number of regular assessments
    by periods a year, the thresholds of each learning level, the absence limit. The row in force
    for a school year is the latest whose `valid_from` is not after it."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.CharField(_("first school year"), max_length=9)  # "2021-2022"
    params = models.JSONField(_("parameters"))

    class Meta:
        ordering = ("-valid_from",)
        verbose_name = _("assessment rules")

    def __str__(self) -> str:
        return self.name


class Comment(models.TextChoices):
    DAT = "D", _("Passed (Đạt)")
    CHUA_DAT = "C", _("Not passed (Chưa đạt)")


class SubjectLevel(models.TextChoices):
    """Primary (Circular 27/2020) subject levels."""

    TOT = "T", _("Well completed (Hoàn thành tốt)")
    HOAN_THANH = "H", _("Completed (Hoàn thành)")
    CHUA = "C", _("Not completed (Chưa hoàn thành)")


class Result(models.TextChoices):
    """A pupil's learning or conduct result for a semester or the year."""

    TOT = "T", _("Good (Tốt)")
    KHA = "K", _("Fair (Khá)")
    DAT = "D", _("Pass (Đạt)")
    CHUA_DAT = "C", _("Not passed (Chưa đạt)")
    # primary (Circular 27/2020); X only for the year's evaluation
    HT_XS = "X", _("Completed with excellence (Hoàn thành xuất sắc)")
    HT_TOT = "G", _("Well completed (Hoàn thành tốt)")
    HT = "H", _("Completed (Hoàn thành)")
    CHUA_HT = "N", _("Not completed (Chưa hoàn thành)")


class Rating(models.TextChoices):
    """Primary (Circular 27/2020) qualities and competences."""

    TOT = "T", _("Good (Tốt)")
    DAT = "D", _("Satisfactory (Đạt)")
    CAN_CO_GANG = "C", _("Needs effort (Cần cố gắng)")


class Promotion(models.TextChoices):
    PROMOTED = "promoted", _("Promoted (lên lớp)")
    SUMMER_CONDUCT = "summer_conduct", _("Conduct training in summer (rèn luyện trong hè)")
    RETEST = "retest", _("Re-assessment in summer (kiểm tra lại)")
    RETAINED = "retained", _("Retained (ở lại lớp)")


YEAR = 3  # PupilTerm.period of the whole year (1 and 2 are the semesters)


class SubjectResult(models.Model):
    student = models.ForeignKey(
        "registry.Student", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        "registry.SchoolClass", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", db_index=False)
    semester = models.PositiveSmallIntegerField(_("semester"))
    subject = models.CharField(_("subject"), max_length=16)
    # Scores in tenths (7.5 → 75): ĐĐGtx packed, comma-separated; ĐĐGgk; ĐĐGck.
    regular = models.CharField(_("regular assessments"), max_length=64, blank=True)
    midterm = models.SmallIntegerField(_("midterm"), null=True, blank=True)
    final = models.SmallIntegerField(_("final"), null=True, blank=True)
    comment = models.CharField(_("comment"), max_length=1, choices=Comment.choices, blank=True)
    level = models.CharField(_("level"), max_length=1, choices=SubjectLevel.choices, blank=True)
    # Computed (rules.py): ĐTBmhk in tenths; on a semester-2 row, ĐTBmcn.
    average = models.SmallIntegerField(_("semester average"), null=True, blank=True)
    year_average = models.SmallIntegerField(_("year average"), null=True, blank=True)

    class Meta:
        verbose_name = _("subject result")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "semester", "student", "subject"], name="results_subject_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.subject}/{self.semester}"


class PupilTerm(models.Model):
    """A pupil's computed results for a semester (1, 2) or the year (3) in a class."""

    student = models.ForeignKey(
        "registry.Student", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    school_class = models.ForeignKey(
        "registry.SchoolClass", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.PositiveSmallIntegerField(_("period"))
    learning = models.CharField(_("learning result"), max_length=1, choices=Result.choices, blank=True)
    conduct = models.CharField(_("conduct"), max_length=1, choices=Result.choices, blank=True)
    # primary (Circular 27/2020): qualities and competences, Tốt / Đạt / Cần cố gắng (imported)
    qualities = models.CharField(_("qualities"), max_length=1, choices=Rating.choices, blank=True)
    competences = models.CharField(_("competences"), max_length=1, choices=Rating.choices, blank=True)
    absences = models.SmallIntegerField(_("days absent"), null=True, blank=True)
    subjects = models.SmallIntegerField(_("subjects"), default=0)
    failed = models.SmallIntegerField(_("subjects not passed"), default=0)  # Chưa đạt / < 5.0 / Chưa HT
    # Mean of the scored subjects' averages (tenths): no official figure (Circular 22 has no
    # all-subject average); the early warning compares it between semesters.
    mean = models.SmallIntegerField(_("mean of averages"), null=True, blank=True)
    promotion = models.CharField(_("promotion"), max_length=16, choices=Promotion.choices, blank=True)

    class Meta:
        verbose_name = _("pupil result")
        constraints = [
            models.UniqueConstraint(
                fields=["school_class", "period", "student"], name="results_pupil_unique"
            ),
        ]
        indexes = [models.Index(fields=["student", "period"], name="results_pupil_student")]

    def __str__(self) -> str:
        return f"{self.student_id}/{self.period}"


class ClassTerm(models.Model):
    """One row per class × semester imported: what the outcome figures are maintained from (one
    note per class, not one per score)."""

    school_class = models.ForeignKey("registry.SchoolClass", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+", db_index=False)
    semester = models.PositiveSmallIntegerField(_("semester"))
    rows = models.IntegerField(_("subject rows"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The class's outcome figures of the semester and, on a semester-2 row, of the year, counted
    # by the write that stored its rows (aggregates.class_slots): a school's figures are the sum
    # of its classes' (no scan of the subject rows). {} = not counted yet (counted from the rows).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    year_figures = models.JSONField(_("year figures"), default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school_class", "semester"], name="results_classterm_unique"),
        ]
        indexes = [models.Index(fields=["school", "semester"], name="results_classterm_school")]

    def __str__(self) -> str:
        return f"{self.school_class_id}/{self.semester}"


class FollowUp(models.Model):
    """A teacher's follow-up note on a pupil at risk (kept as history: notes are never edited)."""

    student = models.ForeignKey("registry.Student", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("follow-up note")

    def __str__(self) -> str:
        return self.text[:60]
