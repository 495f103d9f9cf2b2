"""The create/edit page around a service and a form — one class every app's CRUD pages declare.

A page says what it is, not how a request flows: the form, how it finds the record it works
on (a selector taking the caller's Scope, so a foreign id is a 404), the permission needed on
that record's unit, the service call (a typed input built from the form's cleaned data) and
where to go afterwards. `ServiceFormView` then does what every create/edit view did by hand:

  GET   → check the permission, show the form (with its initial values);
  POST  → check the permission, validate the form, call the service; on success redirect
          (with a message if the page declares one); on a refusal the service explains
          (`ValidationFailed`, `Conflict`, any other `DomainError` about the input) put it back
          on the form with `core.forms.apply_domain_error` and show the form again (200).
          `NotFound` and `PermissionDenied` are not about the input: they reach
          `core.middleware.DomainErrorMiddleware` as error pages (404/403), as everywhere else.
  A typed input that refuses the form's data (a pydantic `ValidationError`: the form and the
  schema disagree on a bound) is shown on the form too — never a server error.

It records nothing itself: the service writes the history. The same view serves htmx requests
(it renders the whole page; templates that want a fragment say so themselves).

    class RoomEdit(ServiceFormView["Room"]):
        form_class = RoomForm
        permission = perms.CHANGE
        pk_kwarg = "room_id"
        template_name = "infrastructure/form.html"
        title = _("Room")

        def lookup(self, scope, pk): return selectors.room_get(scope=scope, pk=pk)
        def unit_path(self, room): return room.school.unit.path
        def save(self, form, room): return services.room_update(actor=self.actor, room=room,
                                                               data=RoomIn.from_form(form))
        def success_url(self, saved): return reverse("infrastructure:school", ...)

A page with nothing to look up (the school is chosen on the form) leaves `pk_kwarg` as None:
the permission is then required somewhere in the caller's scope (`Scope.require_any`), and
the service checks the chosen school.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import pydantic
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import View

from .actor import Actor
from .errors import DomainError, NotFound, PermissionDenied
from .forms import apply_domain_error

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from .scope import Scope

T = TypeVar("T")
InputT = TypeVar("InputT", bound=pydantic.BaseModel)


def typed_input(form: forms.BaseForm, model: type[InputT], data: dict[str, Any]) -> InputT:
    """`model` built from a form's cleaned values, or `InputRefused` naming the fields.

    The form already checked shape and type; a schema bound the form does not repeat (a
    length, a range) still refuses cleanly: Django's own "Enter a valid value." (translated)
    goes next to each field the schema refused, or on top of the form.
    """
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        for name in dict.fromkeys(str(err["loc"][0]) if err["loc"] else "" for err in exc.errors()):
            visible = name in form.fields and not form.fields[name].disabled
            form.add_error(name if visible else None, gettext("Enter a valid value."))
        raise InputRefused from exc


class InputRefused(Exception):
    """The typed input refused the form's values; the errors are already on the form."""


class ServiceFormView(LoginRequiredMixin, View, Generic[T]):
    """A create or edit page: form → typed input → service → redirect. See the module doc."""

    #: The form shown and validated.
    form_class: ClassVar[type[forms.BaseForm]]
    #: The permission the user needs on the unit of the looked-up record.
    permission: ClassVar[str]
    #: The URL keyword naming the record (edit) or its parent (create inside a school);
    #: None: nothing to look up, the permission is required anywhere in the scope.
    pk_kwarg: ClassVar[str | None] = None
    template_name: ClassVar[str]
    title: ClassVar[_StrOrPromise] = ""
    #: Shown after a successful save (django.contrib.messages); None shows nothing.
    success_message: ClassVar[_StrOrPromise | None] = None
    #: A service's field name → the form's, where they differ (apply_domain_error).
    aliases: ClassVar[dict[str, str] | None] = None

    request: HttpRequest

    # ------------------------------------------------------------------ what a page declares
    def lookup(self, scope: Scope, pk: int) -> T:
        """The record (or parent) named by the URL, through a selector taking the scope."""
        raise NotImplementedError

    def unit_path(self, obj: T) -> str | None:
        """The unit whose `permission` the user needs to write `obj`."""
        raise NotImplementedError

    def form_kwargs(self, obj: T | None) -> dict[str, Any]:
        """Extra keyword arguments of the form: `initial`, choice querysets, `instance`…"""
        return {}

    def save(self, form: Any, obj: T | None) -> Any:
        """Call the service with a typed input built from `form.cleaned_data`; return the
        saved record (passed to `success_url`). Raise what the service raises."""
        raise NotImplementedError

    def success_url(self, saved: Any, obj: T | None) -> str:
        raise NotImplementedError

    def context(self, form: Any, obj: T | None) -> dict[str, Any]:
        """What the template shows beside the form (title, subject, cancel link…)."""
        return {}

    # ------------------------------------------------------------------ what every page does
    @property
    def scope(self) -> Scope:
        scope: Scope = self.request.scope  # type: ignore[attr-defined]
        return scope

    @property
    def actor(self) -> Actor:
        return Actor.from_request(self.request)

    def target(self) -> T | None:
        """The looked-up record with the permission checked on its unit (or anywhere)."""
        if self.pk_kwarg is None:
            self.scope.require_any(self.permission)
            return None
        obj = self.lookup(self.scope, int(self.kwargs[self.pk_kwarg]))
        self.scope.require(self.permission, self.unit_path(obj))
        return obj

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.target()
        return self.page(self.form_class(**self.form_kwargs(obj)), obj)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.target()
        form = self.form_class(request.POST, request.FILES or None, **self.form_kwargs(obj))
        if form.is_valid():
            try:
                saved = self.save(form, obj)
            except InputRefused:
                pass
            except (NotFound, PermissionDenied):
                raise
            except DomainError as exc:
                apply_domain_error(form, exc, aliases=self.aliases)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return HttpResponseRedirect(self.success_url(saved, obj))
        return self.page(form, obj)

    def page(self, form: forms.BaseForm, obj: T | None) -> HttpResponse:
        ctx = {"form": form, "title": self.title, **self.context(form, obj)}
        return render(self.request, self.template_name, ctx)
