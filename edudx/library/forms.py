from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Collection, Resource, ResourceType

GRADE_CHOICES = [(g, _("Preschool") if g == 0 else _("Grade %(g)s") % {"g": g}) for g in range(0, 13)]


class ResourceForm(forms.ModelForm):
    grades = forms.TypedMultipleChoiceField(
        label=_("Grades"), choices=GRADE_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    file = forms.FileField(label=_("File"), required=False)
    school = forms.TypedChoiceField(label=_("Contributing school"), coerce=int, required=True)
    url = forms.URLField(label=_("web address"), required=False, max_length=1000, assume_scheme="https")

    class Meta:
        model = Resource
        fields = (
            "title",
            "description",
            "resource_type",
            "subject",
            "topic",
            "outcome",
            "series",
            "language",
            "licence",
            "authors",
            "url",
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "licence": _("Required before publication. CC BY 4.0 lets other teachers reuse and adapt it."),
            "url": _("Only for a web link (YouTube, a textbook publisher's page, …)."),
            "topic": _("e.g. “Phương trình bậc hai một ẩn” — the lesson or topic of the 2018 programme."),
        }

    def __init__(self, *args, schools=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["school"]).choices = [(s.pk, s.name) for s in schools]
        # Left empty, the type is taken from the uploaded file's content (PDF → document, …).
        resource_type = cast(forms.ChoiceField, self.fields["resource_type"])
        resource_type.required = False
        resource_type.choices = [("", _("— from the file —")), *ResourceType.choices]
        if editing:
            del self.fields["school"]
            del self.fields["file"]
        for name, f in self.fields.items():
            if name != "grades":
                f.widget.attrs.setdefault(
                    "class", "form-select" if isinstance(f.widget, forms.Select) else "form-control"
                )


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("New file"), widget=forms.ClearableFileInput(attrs={"class": "form-control"})
    )
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ("title", "description", "subject", "grade", "visibility")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].widget = forms.Select(choices=[("", "—"), *GRADE_CHOICES])
        for f in self.fields.values():
            f.widget.attrs.setdefault(
                "class", "form-select" if isinstance(f.widget, forms.Select) else "form-control"
            )
