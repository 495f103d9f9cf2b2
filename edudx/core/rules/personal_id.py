"""The 12-digit personal ID (số định danh cá nhân): PPP G YY RRRRRR (domain.md §3).

PPP province of birth registration (or a country code), G century+sex, YY birth year.
No check digit. The century/sex and year digits are hard checks against the date of birth
and gender given in the same record; an unknown province prefix is only a warning.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TypedDict

from django.utils.translation import gettext_lazy as _

from . import ERROR, WARNING, Issue
from .provinces import PID_PROVINCES

MALE = "male"
FEMALE = "female"
# Between digits, as people and spreadsheets type them: spaces, dots, dashes, slashes, quotes.
_SEPARATORS = re.compile(r"[\s.\-_/'’‘`]")


def normalise(raw: object) -> tuple[str, list[Issue]]:
    """The one personal-ID normaliser (domain.md §3): separators between digits go; digits of
    any script become 0–9; a cell read as a number ("79214000001.0") loses its ".0". Only a
    single lost leading zero (11 digits) is restored, with a warning; every other length is left
    as typed for check() and the importer's rules to name. "" for an empty value."""
    if raw is None:
        return "", []
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # read from a numeric cell
        text = text[:-2]
    text = _SEPARATORS.sub("", text)
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        text = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    if text.isascii() and text.isdigit() and len(text) == 11:
        return "0" + text, [
            Issue(
                "pid_leading_zero_restored",
                WARNING,
                _(
                    "The personal ID had 11 digits: the spreadsheet dropped its leading zero, which "
                    "was put back. Format the column as text in the source."
                ),
            )
        ]
    return text, []


class Decoded(TypedDict):
    province: str
    sex: str
    birth_year: int


def decode(pid: str) -> Decoded | None:
    """Century, sex and birth-year digits of a structurally valid ID, else None."""
    if len(pid) != 12 or not pid.isdigit():
        return None
    g = int(pid[3])
    century = 1900 + (g // 2) * 100
    return {
        "province": pid[:3],
        "sex": FEMALE if g % 2 else MALE,
        "birth_year": century + int(pid[4:6]),
    }


def check(pid: str, *, date_of_birth: dt.date | None = None, gender: str | None = None) -> list[Issue]:
    """All problems of a (normalised) ID, cross-checked with date of birth and gender."""
    if not pid:
        return []
    if not pid.isdigit():
        return [Issue("pid_not_digits", ERROR, _("The personal ID must contain digits only."), "personal_id")]
    if len(pid) == 9:
        return [
            Issue(
                "pid_old_9_digit",
                ERROR,
                _("This is an old 9-digit ID card number; the 12-digit personal ID is required."),
                "personal_id",
            )
        ]
    if len(pid) != 12:
        return [Issue("pid_length", ERROR, _("The personal ID must have 12 digits."), "personal_id")]
    issues: list[Issue] = []
    info = decode(pid)
    assert info is not None
    if info["province"] not in PID_PROVINCES and info["province"][0] == "0":
        issues.append(
            Issue(
                "pid_unknown_province",
                WARNING,
                _("The first three digits are not a known province code."),
                "personal_id",
            )
        )
    if date_of_birth is not None and info["birth_year"] != date_of_birth.year:
        issues.append(
            Issue(
                "pid_birth_year_mismatch",
                ERROR,
                _("The personal ID says born in %(year)s, but the date of birth is in %(dob)s.")
                % {"year": info["birth_year"], "dob": date_of_birth.year},
                "personal_id",
            )
        )
    if gender in (MALE, FEMALE) and info["sex"] != gender:
        issues.append(
            Issue(
                "pid_gender_mismatch",
                ERROR,
                _("The personal ID does not match the gender."),
                "personal_id",
            )
        )
    return issues


def make(province: str, sex: str, birth_year: int, serial: int) -> str:
    """Build an ID consistent with sex and birth year (demo data, tests)."""
    century_index = (birth_year - 1900) // 100
    g = century_index * 2 + (1 if sex == FEMALE else 0)
    return f"{province}{g}{birth_year % 100:02d}{serial % 1_000_000:06d}"


def mask_email(email: str | None) -> str:
    """An address shown to a reader without the personal-data permission: n***@truong.edu.vn —
    enough to recognise a colleague's, not to write to it."""
    if not email:
        return ""
    local, _, domain = email.partition("@")
    return (local[:1] + "***" + ("@" + domain if domain else "")) if local else "***"


def mask_phone(phone: str | None) -> str:
    """A phone number shown to a reader without the personal-data permission: its last three
    digits (*******456), enough to tell two parents apart."""
    if not phone:
        return ""
    return "*" * max(len(phone) - 3, 0) + phone[-3:]


def mask(pid: str | None) -> str:
    """Never show or log a full ID where it is not needed: 079*******123."""
    if not pid:
        return ""
    return pid[:3] + "*" * max(len(pid) - 6, 0) + pid[-3:]
