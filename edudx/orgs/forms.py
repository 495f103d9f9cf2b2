"""Forms of the unit tree screen (shape and type only; rules live in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=255)


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent unit"), queryset=None)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents
        self.fields["new_parent"].label_from_instance = lambda u: f"{'— ' * u.depth}{u.name} ({u.code})"
