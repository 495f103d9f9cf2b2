"""What a training course trains: competences of a teachers' framework of the skills app (and
the level the course aims at). A staff member completing the course hands them to
`skills.services.training.course_completed` as evidence; learning never reads skills' records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseCompetence(models.Model):
    course = models.ForeignKey("learning.Course", on_delete=models.CASCADE, related_name="competences")
    competence = models.ForeignKey(
        "skills.Competence", on_delete=models.PROTECT, related_name="+", verbose_name=_("competence")
    )
    level = models.ForeignKey(
        "skills.Level",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("level"),
    )

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["course", "competence"], name="learning_course_competence_once")
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.competence_id}"
