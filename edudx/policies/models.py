"""Policies as data: a policy is a versioned document with effective dates whose `rules` the
code reads (policies.selectors.rules_in_force). See edudx/policies/README.md."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from edudx.core.models import TimeStamped


class Policy(TimeStamped):
    code = models.CharField(_("policy"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    rules = models.JSONField(_("rules"), default=dict)
    reference = models.CharField(_("legal reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="policies_code_version")]
        verbose_name = _("policy")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"
