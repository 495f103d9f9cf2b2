from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PersonKind


class RunForm(forms.Form):
    """Shape only; the service checks the school is in the user's scope."""

    kind = forms.ChoiceField(label=_("People"), choices=PersonKind.choices, required=False)
    school = forms.IntegerField(label=_("School"), required=False)
