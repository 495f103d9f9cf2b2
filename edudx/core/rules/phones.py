"""Vietnamese phone numbers, stored as the national form 0xxxxxxxxx."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from . import ERROR, WARNING, Issue

_MOBILE = re.compile(r"^0[35789]\d{8}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def normalise(raw: object) -> tuple[str, list[Issue]]:
    if raw is None:
        return "", []
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if not text:
        return "", []
    digits = re.sub(r"[^\d+]", "", text)
    issues: list[Issue] = []
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits
    if digits != text:
        issues.append(Issue("phone_reformatted", WARNING, _("Phone number rewritten as 0xxxxxxxxx.")))
    if not (_MOBILE.match(digits) or _LANDLINE.match(digits)):
        return text, [Issue("phone_invalid", ERROR, _("Not a valid Vietnamese phone number."))]
    return digits, issues
