from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edudx.core.forms import form_field

from . import kinds
from .models import ImportRun


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("Spreadsheet (CSV, XLSX, XLS, ODS)"))
    mode = forms.ChoiceField(
        label=_("How to write the file"),
        choices=ImportRun.Mode.choices,
        initial=ImportRun.Mode.STRICT,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of the report"), choices=(("vi", "Tiếng Việt"), ("en", "English")), initial="vi"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_field(self, "kind", forms.ChoiceField).choices = [(k.name, k.label) for k in kinds.all_kinds()]


class CommitForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to write the file"), choices=ImportRun.Mode.choices, widget=forms.RadioSelect
    )
