from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AppKind, LegalBasis, Party
from .profiles import REVIEW_ITEMS, Category


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    tax_code = forms.CharField(label=_("Tax code"), max_length=20, required=False)
    website = forms.URLField(label=_("Website"), max_length=200, required=False, assume_scheme="https")
    address = forms.CharField(label=_("Address"), max_length=255, required=False)


class AppForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=AppKind.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea, max_length=5000, required=False
    )
    categories = forms.MultipleChoiceField(
        label=_("Field profile (data categories)"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class ReviewForm(forms.Form):
    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        review = review or {}
        for key, label in REVIEW_ITEMS:
            item = review.get(key) or {}
            self.fields[f"{key}_ok"] = forms.BooleanField(label=label, required=False, initial=item.get("ok"))
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Note"), max_length=500, required=False, initial=item.get("note", "")
            )


class ContractForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=100)
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class UseRequestForm(forms.Form):
    school = forms.TypedChoiceField(label=_("School"), coerce=int)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=255, required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["school"]).choices = [(s.pk, s.name) for s in schools]


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, scopes=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["scopes"]).choices = [(s, s.rsplit("/", 1)[-1]) for s in scopes]


class ParentDigitsForm(forms.Form):
    digits = forms.CharField(
        label=_("Last four digits of the parent's phone number"),
        min_length=4,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "form-control form-control-lg"}
        ),
    )


class ConsentForm(forms.Form):
    app = forms.TypedChoiceField(label=_("App"), coerce=int)
    party = forms.ChoiceField(label=_("Who answers"), choices=Party.choices)
    given = forms.TypedChoiceField(
        label=_("Answer"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Give consent")), ("0", _("Withdraw consent"))],
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("web", _("Web")), ("phone", _("Phone")), ("paper", _("Paper form"))],
    )

    def __init__(self, *args, apps=(), parties=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["app"]).choices = [(a.pk, a.name) for a in apps]
        if parties is not None:
            cast(forms.ChoiceField, self.fields["party"]).choices = [
                c for c in Party.choices if c[0] in parties
            ]
