"""Forms of the unit tree screen (shape and type only; rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edudx.core.forms import UnitChoiceField, form_field


class RenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=255)


class MoveForm(forms.Form):
    new_parent = UnitChoiceField(label=_("New parent unit"), queryset=None)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "new_parent", UnitChoiceField).queryset = parents
