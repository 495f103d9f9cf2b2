"""Forms of the skills pages: shape and type only (the services check the rest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from edudx.core.rules.people import Position

from .models import Certificate


class TrainingRecordForm(forms.Form):
    staff_id = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    competence_id = forms.TypedChoiceField(label=_("Competence"), coerce=int)
    title = forms.CharField(label=_("Training"), max_length=255)
    provider = forms.CharField(label=_("Provider"), max_length=255, required=False)
    completed_on = forms.DateField(label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=2000, required=False)

    def __init__(
        self,
        *args: Any,
        staff: Sequence[tuple[int, str]] = (),
        competences: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_id"].choices = [("", "—"), *staff]  # type: ignore[attr-defined]
        self.fields["competence_id"].choices = [("", "—"), *competences]  # type: ignore[attr-defined]


class CertificateForm(forms.Form):
    code = forms.RegexField(label=_("Code"), max_length=40, regex=r"^[A-Za-z0-9_.-]+$")
    name = forms.CharField(label=_("Name"), max_length=255)
    family = forms.ChoiceField(label=_("Family"), choices=Certificate.Family.choices)
    issuer = forms.CharField(label=_("Issuer"), max_length=255)
    levels = forms.CharField(
        label=_("Levels"), required=False, max_length=900, help_text=_("One a line, or separated by commas.")
    )
    validity_months = forms.IntegerField(
        label=_("Validity (months)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("Empty: no expiry."),
    )
    meets_standard = forms.ChoiceField(
        label=_("Meets the IT-skills standard"), choices=Certificate.Standard.choices, required=False
    )
    module_codes = forms.CharField(
        label=_("IT-standard modules covered"), required=False, max_length=200, help_text="IU01, IU02, …"
    )
    verify = forms.BooleanField(label=_("To verify"), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def split(value: str) -> list[str]:
        return [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]


class TargetForm(forms.Form):
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    rank = forms.TypedChoiceField(label=_("Target level"), coerce=int)

    def __init__(self, *args: Any, levels: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rank"].choices = levels  # type: ignore[attr-defined]
