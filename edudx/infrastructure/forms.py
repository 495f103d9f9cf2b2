from typing import cast

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from .models import MAX_MBPS, Condition, Connection, Device, Licence, Room


class DeviceForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = (
            "category",
            "room",
            "make",
            "model",
            "serial_number",
            "acquired_on",
            "funding",
            "condition",
            "location",
            "notes",
        )
        widgets = {
            "acquired_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        room = cast("forms.ModelChoiceField[Room]", self.fields["room"])
        room.queryset = rooms if rooms is not None else Room.objects.none()


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ("code", "name", "kind", "seats", "has_internet", "is_active")


class ConnectionForm(forms.ModelForm):
    class Meta:
        model = Connection
        fields = ("provider", "kind", "download_mbps", "upload_mbps", "wifi", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The table's check constraint, said on the field: otherwise the form's own model
        # validation answers with Django's message naming the constraint.
        for name in ("download_mbps", "upload_mbps"):
            self.fields[name].validators.append(MaxValueValidator(MAX_MBPS))
            self.fields[name].widget.attrs["max"] = MAX_MBPS


class DeclaredTotalForm(forms.Form):
    total = forms.IntegerField(label=_("Equipment on the asset books"), min_value=0)


class ConditionForm(forms.Form):
    condition = forms.ChoiceField(choices=Condition.choices)
    note = forms.CharField(required=False, max_length=255)


class LicenceForm(forms.ModelForm):
    class Meta:
        model = Licence
        fields = ("name", "vendor", "seats", "expires_on")
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"})}
