"""Forms of the role screen. Shape and type only; the grant rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edudx.core.forms import ModelChoice, UnitChoiceField, form_field


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text=_("Leave empty to create an account that signs in through single sign-on only."),
    )


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    unit = UnitChoiceField(label=_("Unit"), queryset=None, required=False)
    grouping: ModelChoice = forms.ModelChoiceField(label=_("Grouping"), queryset=None, required=False)

    def __init__(self, *args, role_choices, units, groupings, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "role", forms.ChoiceField).choices = role_choices
        form_field(self, "unit", UnitChoiceField).queryset = units
        form_field(self, "grouping", forms.ModelChoiceField).queryset = groupings

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("unit")) == bool(data.get("grouping")):
            raise forms.ValidationError(_("Choose either a unit or a grouping."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("What the token is for."))
