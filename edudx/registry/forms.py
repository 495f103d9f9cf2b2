"""HTML forms of the registry: shape and type only. Rules live in the services; their
errors come back onto these forms through core.forms.apply_domain_error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from edudx.core.rules.curriculum import Subject
from edudx.core.rules.ethnicity import ETHNIC_GROUPS
from edudx.core.rules.levels import Level, Ownership
from edudx.core.rules.people import Gender, Position, Qualification, StaffStatus, StudentStatus

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
ETHNICITY_CHOICES = [("", "—"), *sorted(ETHNIC_GROUPS.items())]


class DateInput(forms.DateInput):
    """Dates as the sector writes them, dd/mm/yyyy, whatever the browser's locale."""

    def __init__(self, **kwargs):
        attrs = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        super().__init__(format="%d/%m/%Y", attrs=attrs, **kwargs)


def date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(), input_formats=DATE_FORMATS)


class BootstrapMixin:
    """Bootstrap classes on every widget, so templates render fields in one loop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


# ----- schools
class SchoolForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("School name"), max_length=255)
    moet_code = forms.CharField(label=_("MOET code"), max_length=20)
    parent = forms.ModelChoiceField(label=_("Ward/commune"), queryset=None)
    level = forms.ChoiceField(label=_("School level"), choices=Level.choices)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args, parents=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        if editing:
            # A MOET code never changes: shown, not editable.
            self.fields["moet_code"].disabled = True
            self.fields["moet_code"].required = False


# ----- classes
class ClassForm(BootstrapMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    year = forms.ModelChoiceField(label=_("School year"), queryset=None)
    grade = forms.IntegerField(label=_("Grade"), min_value=0, max_value=12)
    name = forms.CharField(label=_("Class name"), max_length=40)
    homeroom_teacher = forms.ModelChoiceField(label=_("Homeroom teacher"), queryset=None, required=False)

    def __init__(self, *args, schools=None, years=None, teachers=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["year"].queryset = years
        self.fields["homeroom_teacher"].queryset = teachers
        if editing:
            for name in ("school", "year"):
                self.fields[name].disabled = True
                self.fields[name].required = False


# ----- people
class PersonForm(BootstrapMixin, forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=None)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    moet_code = forms.CharField(label=_("MOET code"), max_length=20, required=False)
    date_of_birth = date_field(_("Date of birth"))
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    personal_id = forms.CharField(label=_("Personal ID"), max_length=20, required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ETHNICITY_CHOICES, required=False)

    def __init__(self, *args, schools=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        if editing:
            self.fields["school"].disabled = True
            self.fields["school"].required = False

    def service_data(self, *, changed_only: bool = False) -> dict:
        """What the service gets. On edit, only the fields the user changed: an imported
        record with an old flaw in one field can still be corrected in another."""
        names = self.changed_data if changed_only else self.cleaned_data
        data = {k: self.cleaned_data[k] for k in names if k != "school" and k in self.cleaned_data}
        for key in ("moet_code", "personal_id"):
            if key in data:
                data[key] = data[key] or None
        return data


class StudentForm(PersonForm):
    disability = forms.CharField(label=_("Disability"), max_length=100, required=False)
    father_name = forms.CharField(label=_("Father's name"), max_length=150, required=False)
    mother_name = forms.CharField(label=_("Mother's name"), max_length=150, required=False)
    guardian_name = forms.CharField(label=_("Guardian's name"), max_length=150, required=False)
    parent_phone = forms.CharField(label=_("Parent's phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    place_of_birth = forms.CharField(label=_("Place of birth"), max_length=255, required=False)


class StaffForm(PersonForm):
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
    subjects = forms.MultipleChoiceField(
        label=_("Subjects"),
        choices=Subject.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    qualification = forms.ChoiceField(
        label=_("Qualification"), choices=[("", "—"), *Qualification.choices], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=StaffStatus.choices)


class StudentStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=StudentStatus.choices)
    on = date_field(_("Status date"), required=True)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class TransferForm(BootstrapMixin, forms.Form):
    to_school = forms.ModelChoiceField(label=_("To school"), queryset=None)
    to_class = forms.ModelChoiceField(label=_("To class"), queryset=None)
    on = date_field(_("Transfer date"), required=True)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args, schools=None, classes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].queryset = schools
        self.fields["to_class"].queryset = classes
        # Changing the school reloads the class choices (htmx, or the plain GET fallback).
        self.fields["to_school"].widget.attrs.update({"data-reload-classes": "1"})

    def clean(self):
        data = super().clean()
        school, klass = data.get("to_school"), data.get("to_class")
        if school and klass and klass.school_id != school.pk:
            self.add_error("to_class", _("Choose a class of the chosen school."))
        return data


class SchoolYearForm(forms.Form):
    code = forms.CharField(label=_("School year"), max_length=9, help_text=_("e.g. 2026-2027"))
    start_date = forms.DateField(label=_("First day"), input_formats=DATE_FORMATS, widget=DateInput())
    end_date = forms.DateField(label=_("Last day"), input_formats=DATE_FORMATS, widget=DateInput())
    is_current = forms.BooleanField(label=_("Make it the current year"), required=False)
