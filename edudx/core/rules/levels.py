"""School levels (cấp học), grades and class-name conventions."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..text import fold


class Level(models.TextChoices):
    MN = "MN", _("Preschool (Mầm non)")
    TH = "TH", _("Primary (Tiểu học)")
    THCS = "THCS", _("Lower secondary (THCS)")
    THPT = "THPT", _("Upper secondary (THPT)")
    GDTX = "GDTX", _("Continuing education (GDTX)")
    TH_THCS = "TH_THCS", _("Multi-level: primary and lower secondary")
    THCS_THPT = "THCS_THPT", _("Multi-level: lower and upper secondary")
    LIEN_CAP = "LIEN_CAP", _("Multi-level: primary to upper secondary")


class Ownership(models.TextChoices):
    CONG_LAP = "cong_lap", _("Public (công lập)")
    TU_THUC = "tu_thuc", _("Private (tư thục)")
    DAN_LAP = "dan_lap", _("People-founded (dân lập)")
    NUOC_NGOAI = "nuoc_ngoai", _("Foreign-invested")


# Grade 0 stands for preschool groups (nhà trẻ, mẫu giáo).
GRADES: dict[str, tuple[int, int]] = {
    Level.MN: (0, 0),
    Level.TH: (1, 5),
    Level.THCS: (6, 9),
    Level.THPT: (10, 12),
    Level.GDTX: (6, 12),
    Level.TH_THCS: (1, 9),
    Level.THCS_THPT: (6, 12),
    Level.LIEN_CAP: (1, 12),
}


# Typical age at the start of a school year for each grade (grade 1 at 6).
def typical_age(grade: int) -> int:
    return 5 if grade == 0 else grade + 5


def grade_allowed(level: str, grade: int) -> bool:
    lo, hi = GRADES[level]
    return lo <= grade <= hi


_CLASS_GRADE = re.compile(r"^(\d{1,2})")


def grade_from_class_name(name: str) -> int | None:
    """ "6A1" → 6, "10 Toán" → 10, "Lá 1" → 0 (preschool groups), else None."""
    text = name.strip()
    m = _CLASS_GRADE.match(text)
    if m:
        g = int(m.group(1))
        return g if 1 <= g <= 12 else None
    folded = fold(text)
    if folded.startswith(("la", "choi", "mam", "nha tre", "nt", "mg", "mau giao")):
        return 0
    return None


_LEVEL_ALIASES = {
    "mn": Level.MN, "mam non": Level.MN, "nha tre": Level.MN, "mau giao": Level.MN,
    "th": Level.TH, "tieu hoc": Level.TH, "primary": Level.TH,
    "thcs": Level.THCS, "trung hoc co so": Level.THCS, "lower secondary": Level.THCS,
    "thpt": Level.THPT, "trung hoc pho thong": Level.THPT, "upper secondary": Level.THPT,
    "gdtx": Level.GDTX, "giao duc thuong xuyen": Level.GDTX,
    "th_thcs": Level.TH_THCS, "th-thcs": Level.TH_THCS, "th thcs": Level.TH_THCS,
    "thcs_thpt": Level.THCS_THPT, "thcs-thpt": Level.THCS_THPT, "thcs thpt": Level.THCS_THPT,
    "lien cap": Level.LIEN_CAP, "lien_cap": Level.LIEN_CAP, "th-thcs-thpt": Level.LIEN_CAP,
}  # fmt: skip

_OWNERSHIP_ALIASES = {
    "cong lap": Ownership.CONG_LAP, "cong_lap": Ownership.CONG_LAP, "public": Ownership.CONG_LAP,
    "tu thuc": Ownership.TU_THUC, "tu_thuc": Ownership.TU_THUC, "private": Ownership.TU_THUC,
    "dan lap": Ownership.DAN_LAP, "dan_lap": Ownership.DAN_LAP,
    "nuoc ngoai": Ownership.NUOC_NGOAI, "co von dau tu nuoc ngoai": Ownership.NUOC_NGOAI,
}  # fmt: skip


def level_code(value: str | None) -> str | None:
    return _LEVEL_ALIASES.get(fold(value)) if value else None


def ownership_code(value: str | None) -> str | None:
    return _OWNERSHIP_ALIASES.get(fold(value)) if value else None
