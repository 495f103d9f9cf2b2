"""Certificates of open courses (moved out of models/__init__.py to keep it under 400 lines)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Certificate(models.Model):
    """An open course passed: the PDF and the Open Badges 3.0 VC-JWT carry `number`, which the
    public verification page looks up; a revoked one stays and the page says so."""

    number = models.CharField(max_length=32, unique=True)
    course = models.ForeignKey("learning.Course", on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    issuer_name = models.CharField(max_length=255)
    learner_name = models.CharField(max_length=200)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    issued_at = models.DateTimeField()
    credential = models.TextField(blank=True)  # the signed VC-JWT
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=300, blank=True)  # internal: never shown publicly

    class Meta:
        ordering = ("-issued_at", "-id")
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="learning_cert_once")]

    def __str__(self) -> str:
        return self.number
