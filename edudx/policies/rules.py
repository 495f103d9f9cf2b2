"""The machine-read rules each policy code carries: a Pydantic model per code (a new version is
refused unless its rules parse), and the default that holds while no version is in force."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

DATA_SHARING = "data_sharing"


class SharingRules(BaseModel):
    """Which data categories may flow to which kind of app under which legal basis, and who
    approves a school's request (the department, or the ward of the school)."""

    model_config = ConfigDict(extra="forbid")

    # legal basis ("public_task", "consent") → kind of app ("*" = any) → categories allowed
    allowed: dict[Literal["public_task", "consent"], dict[str, list[str]]] = Field(default_factory=dict)
    approval_by: Literal["department", "ward"] = "department"
    consent_age: int = Field(default=7, ge=0, le=18)  # pupils this old or older consent too


# Law 91/2025 (domain.md §9): under a public-task contract only the roster flows; identifiers,
# birth dates, contacts and demographics need consent; a personal ID never flows by default.
DEFAULT_SHARING = SharingRules(
    allowed={
        "public_task": {"*": ["roster"]},
        "consent": {"*": ["roster", "identifiers", "birth", "contact", "demographics"]},
    },
    approval_by="department",
    consent_age=7,
)

CODES: dict[str, tuple[type[BaseModel], BaseModel, object]] = {
    DATA_SHARING: (SharingRules, DEFAULT_SHARING, _("Data sharing with partner apps")),
}
# What each code drives, shown to the department beside the policy.
DRIVES: dict[str, object] = {
    DATA_SHARING: _(
        "Partners: the fields each app receives (with its field profile), who approves a school's "
        "request, the age from which pupils consent too."
    ),
}
