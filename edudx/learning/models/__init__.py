"""Courses (class, open, training) → sections → lessons → blocks; quizzes with a question bank;
lessons assigned to classes; each learner's progress and attempts.

A course belongs to a unit (its school's, or the department's for open and training courses):
`unit_path` is copied so a scope filter is one range scan. Another app's rows are referenced by
string (`"registry.SchoolClass"`, `"library.ResourceVersion"`); the learner is the platform user,
and `student_id` keeps the registry pupil a class course enrolled (None for staff and citizens)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from edudx.core.rules.curriculum import Subject


class CourseKind(models.TextChoices):
    CLASS = "class", _("Class course")
    OPEN = "open", _("Open course")
    TRAINING = "training", _("Staff training")


class CourseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class LessonState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Course(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=CourseKind.choices)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    school = models.ForeignKey(
        "registry.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    school_class = models.ForeignKey(
        "registry.SchoolClass",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("class"),
    )
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    # The course's workflow: moves only through the transitions below (decision 0010).
    state = FSMField(
        _("state"), max_length=10, choices=CourseState.choices, default=CourseState.DRAFT, protected=False
    )
    # Weighted grading policy: share of each block kind in the final mark, and the pass mark (%).
    quiz_weight = models.PositiveSmallIntegerField(_("weight of quizzes"), default=100)
    assignment_weight = models.PositiveSmallIntegerField(_("weight of assignments"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=50)
    # Open courses: self-enrolment in this window (either end may be open), `capacity` places.
    enrol_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrol_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("course")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="class") | models.Q(school_class__isnull=False),
                name="learning_class_course_has_class",
            ),
            models.CheckConstraint(condition=models.Q(pass_mark__lte=100), name="learning_pass_mark_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=[CourseState.DRAFT], target=CourseState.PUBLISHED)
    def publish(self) -> None:
        """The course opens to its learners."""

    @transition(field=state, source=[CourseState.PUBLISHED], target=CourseState.ARCHIVED)
    def archive(self) -> None:
        """The course is closed: its records stay, nobody new starts it."""

    @transition(field=state, source=[CourseState.PUBLISHED, CourseState.ARCHIVED], target=CourseState.DRAFT)
    def reopen(self) -> None:
        """Back to the author for changes."""


class Section(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="lessons")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    state = FSMField(
        _("state"), max_length=10, choices=LessonState.choices, default=LessonState.DRAFT, protected=False
    )

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=[LessonState.DRAFT], target=LessonState.PUBLISHED)
    def publish(self) -> None:
        """Pupils may open the lesson once it is assigned."""

    @transition(field=state, source=[LessonState.PUBLISHED], target=LessonState.DRAFT)
    def unpublish(self) -> None:
        """Back to draft for changes."""


class BlockKind(models.TextChoices):
    RESOURCE = "resource", _("Library resource")
    TEXT = "text", _("Text")
    VIDEO = "video", _("Video")
    QUIZ = "quiz", _("Quiz")
    ASSIGNMENT = "assignment", _("Assignment")
    H5P = "h5p", _("H5P interactive content")
    CMI5 = "cmi5", _("cmi5 unit")
    SCORM = "scorm", _("SCORM package")
    LTI = "lti", _("External tool (LTI 1.3)")


def video_path(instance: Block, filename: str) -> str:
    # The stored name never comes from the user.
    return f"learning/video/{instance.lesson_id}/{instance.pk or 'new'}.mp4"


class Block(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=BlockKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    # resource: a library resource by reference, its version pinned when the block was made.
    resource = models.ForeignKey(
        "library.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resource_version = models.ForeignKey(
        "library.ResourceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    html = models.TextField(blank=True)  # text: sanitised with nh3 by the service
    video_url = models.URLField(max_length=1000, blank=True)
    video_file = models.FileField(upload_to=video_path, blank=True, max_length=300)
    video_seconds = models.PositiveIntegerField(default=0)
    quiz = models.ForeignKey("Quiz", null=True, blank=True, on_delete=models.PROTECT, related_name="blocks")
    prompt = models.TextField(_("assignment prompt"), blank=True)
    # h5p / cmi5 / scorm: the package played or launched; cmi5: which assignable unit (its id in
    # cmi5.xml); scorm: which SCO (its item identifier in imsmanifest.xml).
    package = models.ForeignKey(
        "InteractivePackage", null=True, blank=True, on_delete=models.PROTECT, related_name="blocks"
    )
    au_id = models.CharField(max_length=500, blank=True)
    # lti: a registered tool, the link's URL (blank: the tool's) and custom parameters (Deep Linking).
    lti_tool = models.ForeignKey(
        "learning.LtiTool", null=True, blank=True, on_delete=models.PROTECT, related_name="blocks"
    )
    lti_url = models.URLField(max_length=500, blank=True)
    lti_custom = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True/false")
    SHORT = "short", _("Short answer")
    NUMERIC = "numeric", _("Numeric")
    MATCHING = "matching", _("Matching")
    ORDERING = "ordering", _("Ordering")
    FILL = "fill", _("Fill in the blanks")
    ESSAY = "essay", _("Open answer (graded by the teacher)")


class Question(models.Model):
    """One item. `data` holds the kind's answer key (see learning/grading.py): options and
    which are right, accepted answers, a number and its tolerance, pairs, an order."""

    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="questions"
    )
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    shared = models.BooleanField(_("shared with the subject's bank"), default=False)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    topic = models.CharField(_("curriculum topic (GDPT 2018)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    data = models.JSONField(default=dict, blank=True)  # an open answer has no key
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("id",)
        indexes = [models.Index(fields=["shared", "subject", "grade"], name="learning_q_shared_subj")]

    def __str__(self) -> str:
        return self.text[:60]


class Quiz(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(_("title"), max_length=200)
    questions = models.ManyToManyField(Question, through="QuizItem", related_name="+")
    draw = models.PositiveSmallIntegerField(_("questions drawn (0 = all)"), default=0)
    shuffle = models.BooleanField(_("shuffle questions and options"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes, 0 = none)"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed (0 = unlimited)"), default=0)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=50)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return self.title


class QuizItem(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("position", "id")
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="learning_quiz_item_unique")]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.position}"


class Enrolment(models.Model):
    """A learner in a course. A class course's rows follow the class roster (learning.services
    .roster_sync): a pupil who left the class is marked `left`, never deleted."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    # A pupil without a platform account yet is enrolled by student id alone.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    student_id = models.BigIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)
    enrolled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="learning_enrol_unique"),
            models.UniqueConstraint(fields=["course", "student_id"], name="learning_enrol_student_unique"),
        ]
        indexes = [models.Index(fields=["course", "active"], name="learning_enrol_course")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.student_id or self.user_id}"


class Assignment(models.Model):
    """A lesson given to a class with a due date."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="assignments")
    school_class = models.ForeignKey("registry.SchoolClass", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    due_at = models.DateTimeField(_("due"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("due_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "school_class"], name="learning_assign_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lesson_id}→{self.school_class_id}"


class Progress(models.Model):
    """A learner's progress in one lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    student_id = models.BigIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # percent
    passed = models.BooleanField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lesson", "user"], name="learning_progress_unique")]

    def __str__(self) -> str:
        return f"{self.lesson_id}:{self.user_id}"


class BlockProgress(models.Model):
    """A learner on one block: done, where a video stopped, an assignment's submission and the
    teacher's feedback."""

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="progress")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    done = models.BooleanField(default=False)
    position_seconds = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to="learning/submissions/", blank=True, max_length=300)
    feedback = models.TextField(blank=True)
    grade = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # percent
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["block", "user"], name="learning_blockprog_unique")]

    def __str__(self) -> str:
        return f"{self.block_id}:{self.user_id}"


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    block = models.ForeignKey(Block, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    number = models.PositiveSmallIntegerField(default=1)
    question_ids = models.JSONField(default=list)  # drawn and shuffled at start
    answers = models.JSONField(default=dict)
    item_scores = models.JSONField(default=dict)  # question id -> fraction 0..1, None = to grade
    started_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # percent
    passed = models.BooleanField(null=True)
    needs_grading = models.BooleanField(default=False)

    class Meta:
        ordering = ("-started_at", "-id")
        indexes = [models.Index(fields=["quiz", "user"], name="learning_attempt_quiz_user")]

    def __str__(self) -> str:
        return f"{self.quiz_id}:{self.user_id}#{self.number}"


class Citizen(models.Model):
    """A person registering to take open courses, by e-mail or phone proved by a code sent there
    (only its hash kept); `user` (no membership) is made when the code is confirmed."""

    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    tries = models.PositiveSmallIntegerField(default=0)
    password_hash = models.CharField(max_length=200, blank=True)  # moved to the account when verified
    verified_at = models.DateTimeField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"citizen {self.pk}"


from .certificates import Certificate  # noqa: E402, F401  (an open course passed)
from .interactive import Cmi5Registration, Cmi5Session, InteractivePackage, ScormAttempt  # noqa: E402, F401
from .lti import LtiLineItem, LtiPlatformKey, LtiScore, LtiTool, LtiUsed  # noqa: E402, F401
from .messages import ClassMessage, MessageReceipt  # noqa: E402, F401  (messages to a class)
from .training import CourseCompetence  # noqa: E402, F401  (a training course's competences)
