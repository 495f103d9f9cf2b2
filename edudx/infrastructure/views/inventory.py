"""A school's inventory forms: rooms, Internet connections, software licences — each page a few
declared lines on `core.views.ServiceFormView`. `NewOnSchool` and `OnSchool` say what they
share: the school's page is where the user came from and goes back to, "Saved." after a save,
and `infrastructure.change` on the school's unit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from edudx.core.views import ServiceFormView, typed_input
from edudx.registry import selectors as registry

from .. import permissions as perms
from .. import selectors, services
from ..forms import ConnectionForm, LicenceForm, RoomForm
from ..models import Connection, Room
from ..schemas import ConnectionIn, LicenceIn, RoomIn

if TYPE_CHECKING:
    from edudx.core.scope import Scope
    from edudx.registry.models import School

T = TypeVar("T")


def school_url(school: School) -> str:
    return reverse("infrastructure:school", kwargs={"school_id": school.pk})


class OnSchool(ServiceFormView[T]):
    """A form about a record of one school (`obj.school`): edit pages."""

    permission = perms.CHANGE
    template_name = "infrastructure/form.html"
    success_message = _lazy("Saved.")

    def school_of(self, obj: Any) -> School:
        return obj.school

    def unit_path(self, obj: Any) -> str | None:
        return self.school_of(obj).unit.path

    def form_kwargs(self, obj: Any) -> dict[str, Any]:
        # The record's values as the form's initial, not the record itself: a ModelForm given
        # `instance` writes the posted values onto it while validating, and the service would
        # then compare the new values with themselves and save nothing.
        fields = list(getattr(self.form_class, "base_fields", {}))
        return {"initial": model_to_dict(obj, fields=fields)}

    def success_url(self, saved: Any, obj: Any) -> str:
        return school_url(self.school_of(obj))

    def context(self, form: Any, obj: Any) -> dict[str, Any]:
        school = self.school_of(obj)
        return {"school": school, "back": school_url(school)}


class NewOnSchool(OnSchool["School"]):
    """A form that adds a record to the school named by the URL: create pages."""

    pk_kwarg = "school_id"

    def lookup(self, scope: Scope, pk: int) -> School:
        return registry.school_get(scope=scope, pk=pk)

    def school_of(self, obj: Any) -> School:
        return obj

    def form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {}


class RoomCreate(NewOnSchool):
    form_class = RoomForm
    title = _lazy("Room")

    def save(self, form, school):
        return services.room_create(
            actor=self.actor, school=school, data=typed_input(form, RoomIn, form.cleaned_data)
        )


class RoomEdit(OnSchool[Room]):
    form_class = RoomForm
    pk_kwarg = "room_id"
    title = _lazy("Room")

    def lookup(self, scope, pk):
        return selectors.room_get(scope=scope, pk=pk)

    def save(self, form, room):
        return services.room_update(
            actor=self.actor, room=room, data=typed_input(form, RoomIn, form.cleaned_data)
        )


class ConnectionCreate(NewOnSchool):
    form_class = ConnectionForm
    title = _lazy("Internet connection")

    def save(self, form, school):
        data = typed_input(form, ConnectionIn, form.cleaned_data)
        return services.connection_create(actor=self.actor, school=school, data=data)


class ConnectionEdit(OnSchool[Connection]):
    form_class = ConnectionForm
    pk_kwarg = "connection_id"
    title = _lazy("Internet connection")

    def lookup(self, scope, pk):
        return selectors.connection_get(scope=scope, pk=pk)

    def save(self, form, connection):
        data = typed_input(form, ConnectionIn, form.cleaned_data)
        return services.connection_update(actor=self.actor, connection=connection, data=data)


class LicenceCreate(NewOnSchool):
    form_class = LicenceForm
    title = _lazy("Software licence")

    def save(self, form, school):
        data = typed_input(form, LicenceIn, form.cleaned_data)
        return services.licence_create(actor=self.actor, school=school, data=data)


room_create = RoomCreate.as_view()
room_edit = RoomEdit.as_view()
connection_create = ConnectionCreate.as_view()
connection_edit = ConnectionEdit.as_view()
licence_create = LicenceCreate.as_view()
