"""Dates as the sector writes them: dd/mm/yyyy, d/m/yyyy, ISO, or Excel serial numbers."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

from . import ERROR, WARNING, Issue

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse(raw: object) -> tuple[dt.date | None, list[Issue]]:
    if raw is None or raw == "":
        return None, []
    if isinstance(raw, dt.datetime):
        return raw.date(), []
    if isinstance(raw, dt.date):
        return raw, []
    text = str(raw).strip()
    if not text:
        return None, []
    try:
        m = _DMY.match(text)
        if m:
            d, mo, y = (int(g) for g in m.groups())
            value = dt.date(y, mo, d)
            issues = []
            if len(m.group(1)) == 1 or len(m.group(2)) == 1 or "/" not in text:
                issues.append(Issue("date_reformatted", WARNING, _("Date rewritten as dd/mm/yyyy.")))
            return value, issues
        m = _ISO.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return dt.date(y, mo, d), [Issue("date_iso", WARNING, _("ISO date rewritten as dd/mm/yyyy."))]
        serial = float(text)
    except ValueError:
        return None, [Issue("date_invalid", ERROR, _("Not a valid date (expected dd/mm/yyyy)."))]
    if serial.is_integer() and 1 <= serial < 80000:
        value = _EXCEL_EPOCH + dt.timedelta(days=int(serial))
        return value, [Issue("date_excel_serial", WARNING, _("Excel serial number converted to a date."))]
    return None, [Issue("date_invalid", ERROR, _("Not a valid date (expected dd/mm/yyyy)."))]


def age_on(date_of_birth: dt.date, on: dt.date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def format_vn(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""
