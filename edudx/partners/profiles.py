"""Field profiles: the data categories an app may receive, and which OneRoster fields each
category opens. A field outside the caller's categories is never written — in REST, CSV, the
change feed or an error. The review checklist's items are data here too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Category(models.TextChoices):
    ROSTER = "roster", _("Roster: names, roles, schools, classes, enrolments")
    IDENTIFIERS = "identifiers", _("Sector identifiers (MOET code)")
    BIRTH = "birth", _("Date of birth and sex")
    CONTACT = "contact", _("Contacts (e-mail, phone)")
    DEMOGRAPHICS = "demographics", _("Demographics (ethnicity, disability)")
    PERSONAL_ID = "personal_id", _("Personal ID number (CCCD)")


# Fields of a OneRoster user or demographics record each category opens. The base fields
# (sourcedId, status, dateLastModified) are always written: a deletion needs them.
BASE_FIELDS = frozenset({"sourcedId", "status", "dateLastModified"})
USER_FIELDS: dict[str, frozenset[str]] = {
    Category.ROSTER: frozenset(
        {"enabledUser", "givenName", "familyName", "middleName", "roles", "primaryOrg", "grades", "username"}
    ),
    Category.IDENTIFIERS: frozenset({"identifier", "userMasterIdentifier"}),
    Category.CONTACT: frozenset({"email", "phone"}),
    Category.PERSONAL_ID: frozenset({"userIds"}),
}
DEMOGRAPHIC_FIELDS: dict[str, frozenset[str]] = {
    Category.BIRTH: frozenset({"birthDate", "sex"}),
    Category.DEMOGRAPHICS: frozenset({"metadata"}),  # ethnicity, disability as vn.* metadata
}
# Categories whose records are people's data (the data subject's view and the consent check).
PEOPLE = frozenset(
    {
        Category.ROSTER,
        Category.IDENTIFIERS,
        Category.BIRTH,
        Category.CONTACT,
        Category.DEMOGRAPHICS,
        Category.PERSONAL_ID,
    }
)


def user_fields(categories: frozenset[str]) -> frozenset[str]:
    out = set(BASE_FIELDS)
    for c in categories:
        out |= USER_FIELDS.get(c, frozenset())
    return frozenset(out)


def demographic_fields(categories: frozenset[str]) -> frozenset[str]:
    out = set(BASE_FIELDS)
    for c in categories:
        out |= DEMOGRAPHIC_FIELDS.get(c, frozenset())
    return frozenset(out)


# The privacy and security review: the items the department checks before approving an app.
REVIEW_ITEMS: tuple[tuple[str, _StrOrPromise], ...] = (
    ("data_categories", _("Data categories requested are listed and necessary")),
    ("purposes", _("Purposes of processing are stated")),
    ("storage_location", _("Storage location (in Viet Nam or declared abroad)")),
    ("retention", _("Retention period and deletion at the end of the contract")),
    ("sub_processors", _("Sub-processors are listed")),
    ("security_measures", _("Security measures (encryption, access control, breach notification)")),
    ("impact_assessment", _("Personal data impact assessment on file (Law 91/2025)")),
)
REVIEW_KEYS = frozenset(k for k, _label in REVIEW_ITEMS)
