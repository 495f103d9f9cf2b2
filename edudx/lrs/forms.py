from django import forms
from django.utils.translation import gettext_lazy as _

from edudx.core.forms import ModelChoice, form_field


class CredentialForm(forms.Form):
    name = forms.CharField(label=_("Partner or tool name"), max_length=150)
    unit: ModelChoice = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    can_read = forms.BooleanField(label=_("May read statements"), required=False, initial=True)
    can_write = forms.BooleanField(label=_("May write statements"), required=False, initial=True)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ModelChoiceField).queryset = units
