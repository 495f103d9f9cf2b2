"""Vietnamese personal names: NFC, tidy spacing, each word capitalised.

Names of the Central Highlands peoples join parts with an apostrophe or a hyphen and
capitalise each part: "H'Hen Niê", "Ksor H'Wen", "Y-Moan". The part after the mark is
capitalised like a word."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from ..text import nfc, tidy_spaces
from . import ERROR, WARNING, Issue


def normalise(raw: object) -> tuple[str, list[Issue]]:
    if raw is None:
        return "", []
    original = str(raw)
    issues: list[Issue] = []
    text = nfc(original)
    if text != original and unicodedata.normalize("NFD", original) == original:
        issues.append(
            Issue("name_nfd", WARNING, _("Name was in decomposed Unicode (NFD); converted to NFC."))
        )
    spaced = tidy_spaces(text)
    if spaced != text:
        issues.append(Issue("name_spacing", WARNING, _("Extra spaces in the name were removed.")))
    cased = " ".join(_case_word(w) for w in spaced.split(" ")) if spaced else ""
    if cased != spaced:
        issues.append(Issue("name_case", WARNING, _("Letter case of the name was corrected.")))
    return cased, issues


_JOINERS = re.compile(r"(['’-])")


def _case_word(word: str) -> str:
    return "".join(part[:1].upper() + part[1:].lower() for part in _JOINERS.split(word))


def check(name: str) -> list[Issue]:
    if not name:
        return [Issue("name_required", ERROR, _("The full name is required."), "full_name")]
    if any(ch.isdigit() for ch in name):
        return [Issue("name_has_digits", ERROR, _("A name cannot contain digits."), "full_name")]
    if len(name.split(" ")) < 2:
        return [Issue("name_single_word", WARNING, _("The full name has a single word."), "full_name")]
    return []


def split(full_name: str) -> tuple[str, str, str]:
    """(family, middle, given) — the given name (last word) carries most identifying power."""
    parts = full_name.split(" ")
    if len(parts) == 1:
        return "", "", parts[0]
    return parts[0], " ".join(parts[1:-1]), parts[-1]
