"""core.views: the create/edit page every app declares (ServiceFormView, typed_input)."""

from __future__ import annotations

import pydantic
import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from edudx.core.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from edudx.core.views import InputRefused, ServiceFormView, typed_input


class NameIn(pydantic.BaseModel):
    name: str = pydantic.Field(max_length=5)


class NameForm(forms.Form):
    name = forms.CharField(max_length=50)  # looser than the schema on purpose


def test_a_schema_bound_the_form_does_not_repeat_is_a_form_error_in_vietnamese():
    form = NameForm({"name": "much too long"})
    assert form.is_valid()
    with translation.override("vi"), pytest.raises(InputRefused):
        typed_input(form, NameIn, form.cleaned_data)
    assert form.errors == {"name": ["Nhập một giá trị hợp lệ."]}
    ok = NameForm({"name": "ok"})
    assert ok.is_valid() and typed_input(ok, NameIn, ok.cleaned_data) == NameIn(name="ok")


class _Page(ServiceFormView[dict]):
    """A page over an in-memory record: what each hook returns is what the test asks."""

    form_class = NameForm
    permission = "demo.change"
    pk_kwarg = "thing_id"
    template_name = "registry/form.html"
    raised: Exception | None = None
    saved: list = []

    def lookup(self, scope, pk):
        if pk != 1:
            raise NotFound()
        return {"pk": 1, "path": "0000001"}

    def unit_path(self, obj):
        return obj["path"]

    def save(self, form, obj):
        data = typed_input(form, NameIn, form.cleaned_data)
        if self.raised:
            raise self.raised
        self.saved.append(data)
        return obj

    def success_url(self, saved, obj):
        return "/done/"

    def page(self, form, obj):
        # The form's errors as the page (the real pages render them in their template).
        return HttpResponse(str(form.errors))


def _post(page, scope, pk=1, name="ok"):
    request = RequestFactory().post("/x/", {"name": name})
    request.user = type("U", (), {"is_authenticated": True})()
    request.scope = scope
    request._messages = None
    return page.as_view()(request, thing_id=pk)


class _Scope:
    """Allows `demo.change` on one unit only."""

    def require(self, permission, path):
        if path != "0000001":
            raise PermissionDenied()

    def require_any(self, permission):
        pass


@pytest.mark.django_db
def test_the_page_saves_redirects_and_puts_a_refusal_back_on_the_form():
    _Page.saved = []
    response = _post(_Page, _Scope())
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert _Page.saved == [NameIn(name="ok")]

    class Refused(_Page):
        raised = ValidationFailed(details=[FieldError("name", "taken", "Tên đã có.")])

    response = _post(Refused, _Scope())
    assert response.status_code == 200
    assert "Tên đã có." in response.content.decode()
    # A schema bound the form lets through: a form error, never a server error.
    response = _post(_Page, _Scope(), name="much too long")
    assert response.status_code == 200 and _Page.saved == [NameIn(name="ok")]


def test_a_foreign_record_and_a_missing_permission_are_not_form_errors():
    with pytest.raises(NotFound):
        _post(_Page, _Scope(), pk=2)

    class Forbidden(_Page):
        raised = PermissionDenied()

    with pytest.raises(PermissionDenied):
        _post(Forbidden, _Scope())
