"""The tool registration form (department or school admin)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .schemas import SCOPES


class ToolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    school_id = forms.TypedChoiceField(label=_("School"), coerce=int, required=False, empty_value=None)
    deployment_id = forms.CharField(label=_("Deployment id"), max_length=64, initial="1")
    login_url = forms.URLField(label=_("OIDC login initiation URL"), max_length=500, assume_scheme="https")
    target_link_url = forms.URLField(label=_("Target link URL"), max_length=500, assume_scheme="https")
    redirect_uris = forms.CharField(
        label=_("Redirect URIs (one a line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    jwks_url = forms.URLField(label=_("Tool JWKS URL"), max_length=500, required=False, assume_scheme="https")
    public_key = forms.CharField(
        label=_("Tool public key (PEM) or JWKS (JSON)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    scopes = forms.MultipleChoiceField(
        label=_("Services allowed"),
        choices=[(s, s.rsplit("/", 1)[-1]) for s in SCOPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    share_name = forms.BooleanField(label=_("Share names with the tool"), required=False)
    share_email = forms.BooleanField(label=_("Share e-mail addresses with the tool"), required=False)

    def __init__(self, *args: Any, schools: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("My unit"))] + [(s.pk, s.name) for s in schools or []]
        self.fields["school_id"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["redirect_uris"] = [u.strip() for u in data.get("redirect_uris", "").splitlines() if u.strip()][
            :20
        ]
        key = data.get("public_key", "").strip()
        data["jwks"] = {}
        if key.startswith("{"):
            try:
                data["jwks"] = json.loads(key)
            except ValueError:
                self.add_error("public_key", _("This is not a JSON key set."))
            data["public_key"] = ""
        return data
