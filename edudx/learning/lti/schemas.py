"""Typed inputs of the LTI platform side."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field

from edudx.core.ids import Id

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
SCOPES = (
    AGS + "lineitem",
    AGS + "lineitem.readonly",
    AGS + "result.readonly",
    AGS + "score",
    NRPS_SCOPE,
)


class ToolIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    school_id: Id | None = None
    deployment_id: str = Field(default="1", min_length=1, max_length=64)
    login_url: str = Field(min_length=1, max_length=500)
    target_link_url: str = Field(min_length=1, max_length=500)
    redirect_uris: list[str] = Field(default_factory=list, max_length=20)
    jwks_url: str = Field(default="", max_length=500)
    jwks: dict[str, Any] = Field(default_factory=dict)
    public_key: str = Field(default="", max_length=10_000)
    scopes: list[str] = Field(default_factory=list, max_length=10)
    share_name: bool = False
    share_email: bool = False
    custom: dict[str, str] = Field(default_factory=dict, max_length=50)
