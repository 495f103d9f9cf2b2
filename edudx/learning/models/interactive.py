"""Interactive packages: an H5P package or a cmi5 course structure a teacher uploaded, unpacked
under media `learning/packages/<uid>/` (learning.interactive.unpack checks every entry first).
A block of kind `h5p` plays one package; a block of kind `cmi5` launches one assignable unit
(AU) of a cmi5 package, `au_id` naming it. A learner's cmi5 registration and each launch
session (with the one-time fetch of its LRS token) are kept here. A block of kind `scorm` plays
one SCO of a SCORM package (`au_id` = its item identifier); the learner's run-time state of it
is a `ScormAttempt`."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PackageKind(models.TextChoices):
    H5P = "h5p", _("H5P package")
    CMI5 = "cmi5", _("cmi5 course")
    SCORM = "scorm", _("SCORM package (1.2 or 2004)")


class InteractivePackage(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("learning.Course", on_delete=models.CASCADE, related_name="packages")
    kind = models.CharField(_("kind"), max_length=8, choices=PackageKind.choices)
    title = models.CharField(_("title"), max_length=200)
    # H5P: "H5P.MultiChoice 1.16"; cmi5: the course's IRI.
    main = models.CharField(max_length=500, blank=True)
    # H5P: the checked h5p.json; cmi5: the course structure read (course, AUs with their fields).
    meta = models.JSONField(default=dict, blank=True)
    files = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveBigIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("interactive package")

    def __str__(self) -> str:
        return self.title


class Cmi5Registration(models.Model):
    """A learner's cmi5 registration for one AU block (one per learner and block, reused by
    every launch as the spec asks)."""

    block = models.ForeignKey("learning.Block", on_delete=models.CASCADE, related_name="cmi5_registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    satisfied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["block", "user"], name="learning_cmi5_reg_once")]

    def __str__(self) -> str:
        return str(self.registration)


class Cmi5Session(models.Model):
    """One launch: the fetch URL names `session`; its token is handed out once (`fetched_at`)."""

    registration = models.ForeignKey(Cmi5Registration, on_delete=models.CASCADE, related_name="sessions")
    session = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.session)


class ScormAttempt(models.Model):
    """A learner's attempt at one SCORM block: the run-time data the SCO committed (through
    scorm-again), kept so the next launch resumes it. `key` names the attempt in its commit URL
    (with the signed-in learner, who must own it)."""

    block = models.ForeignKey("learning.Block", on_delete=models.CASCADE, related_name="scorm_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.CharField(max_length=4)  # "1.2" or "2004"
    # The kept elements, flattened as scorm-again commits them ("cmi.suspend_data": "...").
    cmi = models.JSONField(default=dict, blank=True)
    completion = models.CharField(max_length=16, default="not attempted")
    success = models.CharField(max_length=8, default="unknown")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    total_seconds = models.PositiveIntegerField(default=0)
    initialized_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["block", "user"], name="learning_scorm_attempt_once")]

    def __str__(self) -> str:
        return str(self.key)
