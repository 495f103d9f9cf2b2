"""Forms: shape and type only; rules live in the services."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from edudx.core.rules.levels import Level, Ownership

from .models import Campaign, Criterion, Framework, FrameworkGroup, SubItem

if TYPE_CHECKING:
    from edudx.orgs.models import Grouping, OrgUnit


class Styled(forms.BaseForm):
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            w.attrs.setdefault("class", css)


class FrameworkForm(Styled, forms.ModelForm):
    class Meta:
        model = Framework
        fields = ("name", "state", "source", "notes", "levels_on_total", "level2_min", "level3_above")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class CloneForm(Styled, forms.Form):
    year = forms.IntegerField(label=_("Evaluation year"), min_value=2020, max_value=2100)


class GroupForm(Styled, forms.ModelForm):
    class Meta:
        model = FrameworkGroup
        fields = ("code", "name", "order", "max_points", "level2_min", "level3_above")


class CriterionForm(Styled, forms.ModelForm):
    class Meta:
        model = Criterion
        fields = (
            "code",
            "name",
            "order",
            "kind",
            "max_points",
            "bands",
            "evidence_required",
            "indicator_code",
        )
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2}),
            "evidence_required": forms.Textarea(attrs={"rows": 2}),
            "bands": forms.Textarea(attrs={"rows": 2}),
        }


class SubItemForm(Styled, forms.ModelForm):
    class Meta:
        model = SubItem
        fields = ("code", "name", "order", "max_points")


class CampaignForm(Styled, forms.Form):
    framework = forms.ModelChoiceField(label=_("Framework"), queryset=Framework.objects.none())
    name = forms.CharField(label=_("Name"), max_length=255)
    school_year = forms.RegexField(label=_("School year"), regex=r"^\d{4}-\d{4}$", help_text="2025-2026")
    self_deadline = forms.DateField(
        label=_("Self-assessment deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Default: 31 May"),
    )
    review_deadline = forms.DateField(
        label=_("Review and publication deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Default: 20 June"),
    )
    # the querysets are the caller's, set in __init__
    units: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Units (empty: all)"), queryset=None, required=False
    )
    groupings: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Groupings (empty: all)"), queryset=None, required=False
    )
    levels = forms.MultipleChoiceField(
        label=_("School levels (empty: all)"), choices=Level.choices, required=False
    )
    ownerships = forms.MultipleChoiceField(
        label=_("Ownership (empty: all)"), choices=Ownership.choices, required=False
    )

    def __init__(
        self,
        *args: Any,
        frameworks: QuerySet[Framework],
        units: QuerySet[OrgUnit],
        groupings: QuerySet[Grouping],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields  # typed forms.Field; these are model choice fields
        fields["framework"].queryset = frameworks
        fields["units"].queryset = units
        fields["groupings"].queryset = groupings

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        sy = data.get("school_year")
        if sy:
            a, b = (int(x) for x in sy.split("-"))
            if b != a + 1:
                self.add_error("school_year", _("A school year spans two consecutive years, e.g. 2025-2026."))
        return data


class ExternalForm(Styled, forms.Form):
    evaluator = forms.CharField(label=_("Evaluated by"), max_length=255)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class LinkEvidenceForm(Styled, forms.Form):
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=255, required=False)


CAMPAIGN_TRANSITION_LABELS = {
    Campaign.State.OPEN: _("Open self-assessment"),
    Campaign.State.REVIEW: _("Close self-assessment, start review"),
    Campaign.State.PUBLISHED: _("Mark campaign published"),
    Campaign.State.CLOSED: _("Close campaign"),
}


class DeadlineExtensionForm(Styled, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
