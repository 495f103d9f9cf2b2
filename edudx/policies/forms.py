"""The department's form to publish a new version of a policy."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .rules import CODES

RULES_MAX = 20_000  # characters of JSON: a policy's rules are a few maps, never a data set


class PublishForm(forms.Form):
    code = forms.ChoiceField(label=_("Policy"), choices=[(c, label) for c, (_m, _d, label) in CODES.items()])
    title = forms.CharField(label=_("Title"), max_length=200)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("Legal reference"), max_length=200, required=False)
    rules = forms.CharField(
        label=_("Rules (JSON)"),
        max_length=RULES_MAX,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_("The rules the platform reads, as JSON: start from the version in force."),
    )

    def clean_rules(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data["rules"])
        except ValueError as exc:
            raise forms.ValidationError(_("The rules are not valid JSON."), code="bad_json") from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The rules must be a JSON object."), code="bad_json")
        if "\\u0000" in json.dumps(value):  # an escaped NUL: PostgreSQL's jsonb refuses it
            raise forms.ValidationError(_("The rules are not valid JSON."), code="bad_json")
        return value
