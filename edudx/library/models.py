"""The shared repository of digital learning materials (kho học liệu số dùng chung).

A Resource carries the metadata; each uploaded file is a ResourceVersion (a new file never
replaces the old one). `search_title` and `search_body` are folded copies (accents stripped,
đ→d, lower case) that the full-text index covers — see library/search.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from edudx.core.rules.curriculum import Subject


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned with comments")
    TAKEN_DOWN = "taken_down", _("Taken down")


class ResourceType(models.TextChoices):
    DOCUMENT = "document", _("Document")
    PRESENTATION = "presentation", _("Presentation")
    SPREADSHEET = "spreadsheet", _("Spreadsheet")
    WORKSHEET = "worksheet", _("Worksheet / exercises")
    LESSON_PLAN = "lesson_plan", _("Lesson plan")
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    INTERACTIVE = "interactive", _("Interactive (H5P)")
    SCORM = "scorm", _("SCORM package")
    LINK = "link", _("Web link")


class Series(models.TextChoices):
    NATIONAL = "national", _("National unified textbooks (from 2026–27)")
    KNTT = "kntt", _("Kết nối tri thức với cuộc sống")
    CTST = "ctst", _("Chân trời sáng tạo")
    CANH_DIEU = "canh_dieu", _("Cánh Diều")
    OTHER = "other", _("Other / independent")


class Licence(models.TextChoices):
    CC_BY = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_SA = "CC-BY-SA-4.0", "CC BY-SA 4.0"
    CC_BY_NC = "CC-BY-NC-4.0", "CC BY-NC 4.0"
    CC_BY_NC_SA = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
    CC_BY_ND = "CC-BY-ND-4.0", "CC BY-ND 4.0"
    CC_BY_NC_ND = "CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"
    CC0 = "CC0-1.0", _("CC0 (public domain dedication)")
    PUBLIC_DOMAIN = "public-domain", _("Public domain")
    SECTOR_ONLY = "edu-sector", _("Sector use only (copyright of the author)")
    ALL_RIGHTS = "all-rights-reserved", _("All rights reserved, used with permission")


LICENCE_URLS: dict[str, str] = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    Licence.CC_BY_NC_SA: "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    Licence.CC_BY_ND: "https://creativecommons.org/licenses/by-nd/4.0/",
    Licence.CC_BY_NC_ND: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.PUBLIC_DOMAIN: "https://creativecommons.org/publicdomain/mark/1.0/",
}


class Language(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")
    FR = "fr", _("French")
    ZH = "zh", _("Chinese")
    KM = "km", _("Khmer")


class Resource(models.Model):
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    resource_type = models.CharField(_("resource type"), max_length=20, choices=ResourceType.choices)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices)
    topic = models.CharField(_("curriculum topic (GDPT 2018)"), max_length=300, blank=True)
    outcome = models.TextField(_("expected learning outcome (GDPT 2018)"), blank=True)
    series = models.CharField(_("textbook series"), max_length=20, choices=Series.choices, blank=True)
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.VI)
    licence = models.CharField(_("licence"), max_length=24, choices=Licence.choices, blank=True)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    url = models.URLField(_("web address"), max_length=1000, blank=True)
    school = models.ForeignKey(
        "registry.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("contributing school")
    )
    # The school's unit path, copied so scope filters are one range scan on this table.
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The review workflow's state: it moves only through the transitions below (the services
    # call them); protected=False so a test or the demo may still place a resource in a state.
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, protected=False)
    review_comment = models.TextField(_("reviewer's comments"), blank=True)
    takedown_reason = models.TextField(_("reason for takedown"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    current_version = models.ForeignKey(
        "ResourceVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_title = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    view_count = models.PositiveIntegerField(default=0, editable=False)
    download_count = models.PositiveIntegerField(default=0, editable=False)
    use_count = models.PositiveIntegerField(default=0, editable=False)  # views + downloads
    rating_sum = models.PositiveIntegerField(default=0, editable=False)
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("learning resource")
        verbose_name_plural = _("learning resources")
        indexes = [
            models.Index(fields=["state", "subject"], name="library_res_state_subj"),
            models.Index(fields=["state", "-published_at", "-id"], name="library_res_state_pub"),
            models.Index(fields=["state", "-use_count", "-id"], name="library_res_state_use"),
        ]

    def __str__(self) -> str:
        return self.title

    # ----- the review workflow: every allowed move, in one place (docs/decisions/0010).
    # Each changes only the state (publishing stamps its time); library.services calls them,
    # checks can_proceed first and records the move in the history.
    @transition(field=state, source=[State.DRAFT, State.RETURNED, State.TAKEN_DOWN], target=State.SUBMITTED)
    def submit(self) -> None:
        """The author asks for review."""

    @transition(field=state, source=[State.SUBMITTED], target=State.REVIEWED)
    def review(self) -> None:
        """Content and licence checked; a second reviewer may publish."""

    @transition(field=state, source=[State.SUBMITTED, State.REVIEWED], target=State.PUBLISHED)
    def publish(self) -> None:
        self.published_at = timezone.now()

    @transition(field=state, source=[State.SUBMITTED, State.REVIEWED], target=State.RETURNED)
    def send_back(self) -> None:
        """Returned to the author with the reviewer's comments."""

    @transition(field=state, source=[State.PUBLISHED], target=State.TAKEN_DOWN)
    def take_down(self) -> None:
        """Withdrawn from the public library (a reason is recorded by the service)."""

    @transition(field=state, source=[State.PUBLISHED], target=State.DRAFT)
    def reopen(self) -> None:
        """A published resource got a new file, which has not been reviewed."""

    # Not a column: the uses counted over a period, set on the rows selectors.most_used returns.
    period_uses: int

    @property
    def is_link(self) -> bool:
        return self.resource_type == ResourceType.LINK

    @property
    def grades(self) -> list[int]:
        return sorted(g.grade for g in self.grade_rows.all())

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.rating_count, 1) if self.rating_count else None

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")


class ResourceGrade(models.Model):
    """One row per grade a resource is for (a row, not a JSON list, so facets are a GROUP BY)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="grade_rows")
    grade = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resource", "grade"], name="library_grade_unique")]
        indexes = [models.Index(fields=["grade", "resource"], name="library_grade_res")]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.grade}"


def version_path(instance: ResourceVersion, filename: str) -> str:
    # The stored name never comes from the user: only the checked extension survives.
    return f"library/{instance.resource_id}/v{instance.number}{instance.extension}"


def thumb_path(instance: ResourceVersion, filename: str) -> str:
    return f"library/{instance.resource_id}/v{instance.number}-thumb.png"


class ResourceVersion(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=300)
    original_name = models.CharField(max_length=255)
    extension = models.CharField(max_length=10)
    mime = models.CharField(max_length=120)
    kind = models.CharField(max_length=20)  # the detected kind: pdf, docx, pptx, png, h5p, scorm, …
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    extracted_text = models.TextField(blank=True)
    thumbnail = models.ImageField(upload_to=thumb_path, blank=True, max_length=300)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-number",)
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="library_version_unique")]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class Collection(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Only me")
        SCHOOL = "school", _("My school")
        SHARED = "shared", _("Everyone in the sector")

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    subject = models.CharField(_("subject"), max_length=20, choices=Subject.choices, blank=True)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("registry.School", on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-updated_at", "-id")

    def __str__(self) -> str:
        return self.title


class CollectionItem(models.Model):
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    note = models.TextField(_("teacher's note"), blank=True)

    class Meta:
        ordering = ("position", "id")
        constraints = [
            models.UniqueConstraint(fields=["collection", "resource"], name="library_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}#{self.position}"


class Use(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", _("View")
        DOWNLOAD = "download", _("Download")
        LTI = "lti", _("Picked into an LMS")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=20)  # copied: "most used this month per subject" is one GROUP BY
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["subject", "at"], name="library_use_subject_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource_id}"


class Rating(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "user"], name="library_rating_unique"),
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="library_rating_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.stars}"


class Comment(models.Model):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return self.text[:60]


class LtiPlatform(models.Model):
    """An LMS (Moodle, Canvas, …) registered to launch edudx as an LTI 1.3 tool."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=500)
    client_id = models.CharField(_("client ID"), max_length=200)
    deployment_ids = models.JSONField(_("deployment IDs"), default=list)
    auth_login_url = models.URLField(_("OIDC authorisation URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    key_set_url = models.URLField(_("JWKS URL"), max_length=500, blank=True)
    key_set = models.JSONField(_("JWKS (when the platform has no URL)"), null=True, blank=True)
    # The school whose scope a launch is read in (None = the whole sector's published resources).
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="library_lti_unique")]

    def __str__(self) -> str:
        return self.name


class LtiKey(models.Model):
    """The tool's own RSA key pair (the newest active one signs; all are published in the JWKS)."""

    kid = models.CharField(max_length=64, unique=True)
    private_key = models.TextField()
    public_key = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.kid
