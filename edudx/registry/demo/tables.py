"""The synthetic city's tables: sizes, the school calendar, stages and classes, labels, the
shares and ratios the builders draw from, and the pickers of names and places."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass

from edudx.core.rules.levels import Level, Ownership

from . import names as N
from .wards import AREAS

CITY_NAME = "TP. Hồ Chí Minh"
DEPARTMENT_CODE = "SGDDT79"
DEPARTMENT_NAME = "Sở Giáo dục và Đào tạo TP. Hồ Chí Minh"


# ----------------------------------------------------------------------------- sizes
@dataclass(frozen=True)
class Size:
    name: str
    areas: int
    clusters: int
    schools: dict[str, int]  # level -> number of schools
    pupils: dict[str, int]  # band -> pupils (preschool, primary, lower, upper)


SIZES: dict[str, Size] = {
    # Tests: a handful of schools, every level that matters, a few hundred pupils.
    "tiny": Size(
        "tiny",
        areas=2,
        clusters=2,
        schools={Level.MN: 2, Level.TH: 2, Level.THCS: 1, Level.THPT: 1, Level.GDTX: 1, Level.LIEN_CAP: 1},
        pupils={"preschool": 90, "primary": 220, "lower": 160, "upper": 130},
    ),
    # The default demo: ~30 schools, ~15,000 pupils, shares of the city's 2025–26 figures.
    "small": Size(
        "small",
        areas=6,
        clusters=3,
        schools={
            Level.MN: 9,
            Level.TH: 7,
            Level.THCS: 6,
            Level.THPT: 4,
            Level.GDTX: 1,
            Level.TH_THCS: 1,
            Level.THCS_THPT: 1,
            Level.LIEN_CAP: 1,
        },  # fmt: skip
        pupils={"preschool": 2838, "primary": 5570, "lower": 4504, "upper": 2088},
    ),
    # Ho Chi Minh City, school year 2025–26 (domain.md §1): 2,528,789 pupils, ~3,500 schools.
    "city": Size(
        "city",
        areas=len(AREAS),
        clusters=16,
        schools={
            Level.MN: 1650,
            Level.TH: 720,
            Level.THCS: 450,
            Level.THPT: 230,
            Level.GDTX: 40,
            Level.TH_THCS: 150,
            Level.THCS_THPT: 130,
            Level.LIEN_CAP: 130,
        },  # fmt: skip
        pupils={"preschool": 478_458, "primary": 939_002, "lower": 759_278, "upper": 352_051},
    ),
}

# ----------------------------------------------------------------------------- calendar
TERM_NAMES = {"HK1": "Học kỳ I", "HK2": "Học kỳ II"}


@dataclass(frozen=True)
class Calendar:
    """The demo's two school years, placed around `today` so the demo is alive on any day.

    A Vietnamese school year opens on 5 September: from September on, the current year is
    Y-(Y+1); before it, (Y-1)-Y. The previous year is the one before; moves during the
    current year are dated between its opening and `today`, never after.
    """

    today: dt.date

    @property
    def start_year(self) -> int:
        return self.today.year if self.today.month >= 9 else self.today.year - 1

    @property
    def current(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def previous(self) -> str:
        return f"{self.start_year - 1}-{self.start_year}"

    @property
    def current_start(self) -> dt.date:
        return dt.date(self.start_year, 9, 5)

    @property
    def current_end(self) -> dt.date:
        return dt.date(self.start_year + 1, 5, 31)

    @property
    def previous_start(self) -> dt.date:
        return dt.date(self.start_year - 1, 9, 5)

    @property
    def previous_end(self) -> dt.date:
        return dt.date(self.start_year, 5, 31)

    @property
    def years(
        self,
    ) -> tuple[tuple[str, dt.date, dt.date, bool, tuple[tuple[str, dt.date, dt.date], ...]], ...]:
        """(code, start, end, is_current, terms) for the previous and the current year."""
        out = []
        for y, is_current in ((self.start_year - 1, False), (self.start_year, True)):
            start, end = dt.date(y, 9, 5), dt.date(y + 1, 5, 31)
            terms = (("HK1", start, dt.date(y + 1, 1, 10)), ("HK2", dt.date(y + 1, 1, 12), end))
            out.append((f"{y}-{y + 1}", start, end, is_current, terms))
        return tuple(out)

    @property
    def has_begun(self) -> bool:
        """The current year has opened before today: moves during it may have happened. On the
        first days of September (before the 5th) none has."""
        return self.today > self.current_start

    def in_year(self, days: int) -> dt.date:
        """`days` after the current year opened, but never after today (early in the year the
        moves crowd into the days that have passed)."""
        return max(self.current_start, min(self.current_start + dt.timedelta(days=days), self.today))


def calendar(today: dt.date | None = None) -> Calendar:
    """The calendar of `today` (default: the local date of `django.utils.timezone.now()`)."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    return Calendar(today)


# ----------------------------------------------------------------------------- stages
# A stage is a preschool age group or a grade: 0 Nhà trẻ (2 y), 1 Mầm (3), 2 Chồi (4), 3 Lá (5),
# then grade g at stage g + 3. Children of stage s are born in (the year's opening year) - 2 - s.
PRESCHOOL_GROUPS = ("Nhà trẻ", "Mầm", "Chồi", "Lá")
BAND_STAGES = {"preschool": (0, 3), "primary": (4, 8), "lower": (9, 12), "upper": (13, 15)}
PRESCHOOL_SHARE = (0.10, 0.27, 0.30, 0.33)
CLASS_SIZE = {"preschool": 28, "primary": 38, "lower": 42, "upper": 42}


def stage_grade(stage: int) -> int:
    return 0 if stage < 4 else stage - 3


def birth_year(stage: int, year_start: int) -> int:
    return year_start - 2 - stage


def class_name(stage: int, index: int) -> str:
    if stage < 4:
        return f"{PRESCHOOL_GROUPS[stage]} {index + 1}"
    return f"{stage - 3}A{index + 1}"


def level_stages(level: str) -> range:
    if level == Level.GDTX:  # continuing-education centres teach the upper-secondary programme
        return range(13, 16)
    bounds: dict[str, tuple[int, int]] = {
        Level.MN: (0, 3), Level.TH: (4, 8), Level.THCS: (9, 12), Level.THPT: (13, 15),
        Level.TH_THCS: (4, 12), Level.THCS_THPT: (9, 15), Level.LIEN_CAP: (4, 15),
    }  # fmt: skip
    lo, hi = bounds[level]
    return range(lo, hi + 1)


def band_of(stage: int) -> str:
    for band, (lo, hi) in BAND_STAGES.items():
        if lo <= stage <= hi:
            return band
    raise ValueError(stage)


LEVEL_TITLE: dict[str, str] = {
    Level.MN: "Trường Mầm non", Level.TH: "Trường Tiểu học", Level.THCS: "Trường THCS",
    Level.THPT: "Trường THPT", Level.GDTX: "Trung tâm GDNN-GDTX", Level.TH_THCS: "Trường TH-THCS",
    Level.THCS_THPT: "Trường THCS-THPT", Level.LIEN_CAP: "Trường TH-THCS-THPT",
}  # fmt: skip
LEVEL_LABEL: dict[str, str] = {
    Level.MN: "Mầm non", Level.TH: "Tiểu học", Level.THCS: "THCS", Level.THPT: "THPT", Level.GDTX: "GDTX",
    Level.TH_THCS: "TH-THCS", Level.THCS_THPT: "THCS-THPT", Level.LIEN_CAP: "Liên cấp",
}  # fmt: skip
OWNERSHIP_LABEL: dict[str, str] = {
    Ownership.CONG_LAP: "Công lập", Ownership.TU_THUC: "Tư thục",
    Ownership.DAN_LAP: "Dân lập", Ownership.NUOC_NGOAI: "Có vốn đầu tư nước ngoài",
}  # fmt: skip
PRIVATE_SHARE: dict[str, float] = {
    Level.MN: 0.45, Level.TH: 0.10, Level.THCS: 0.08, Level.THPT: 0.25, Level.GDTX: 0.0,
    Level.TH_THCS: 0.6, Level.THCS_THPT: 0.6, Level.LIEN_CAP: 0.9,
}  # fmt: skip
# Pupils per staff member (teachers and managers): ~100,000 staff for 2.5 M pupils.
STAFF_RATIO = {"preschool": 15, "primary": 27, "lower": 30, "upper": 32}
# Levels whose schools report to the department directly (domain.md §1).
DEPARTMENT_LEVELS = frozenset({Level.THPT, Level.GDTX, Level.THCS_THPT, Level.LIEN_CAP})


# ----------------------------------------------------------------------------- helpers
class Picker:
    """Weighted choice with precomputed cumulative weights, cheaper than rng.choices per draw.
    See docs/decisions/0008-demo-data-generated-cheaply.md."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs)
        self.items = [p[0] for p in pairs]
        self.cum = list(itertools.accumulate(p[1] for p in pairs))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


FAMILY = Picker(N.FAMILY_NAMES)
MALE_MIDDLE, FEMALE_MIDDLE = Picker(N.MALE_MIDDLE), Picker(N.FEMALE_MIDDLE)
MALE_MIDDLE_ADULT, FEMALE_MIDDLE_ADULT = Picker(N.MALE_MIDDLE_ADULT), Picker(N.FEMALE_MIDDLE_ADULT)
MALE_GIVEN, FEMALE_GIVEN = Picker(N.MALE_GIVEN), Picker(N.FEMALE_GIVEN)
ETHNICITY = Picker(
    [("01", 935), ("04", 45), ("05", 10), ("17", 5), ("02", 2), ("07", 2), ("06", 1)]
)  # Kinh, Hoa, Khmer, Chăm, Tày, Nùng, Mường
OTHER_PROVINCES = Picker(
    [
        ("080", 9), ("082", 7), ("075", 8), ("083", 6), ("087", 4), ("089", 4), ("094", 3), ("086", 3),
        ("092", 3), ("040", 5), ("038", 5), ("042", 3), ("052", 4), ("051", 3), ("049", 3), ("054", 2),
        ("066", 3), ("068", 3), ("064", 2), ("001", 4), ("036", 2), ("034", 2), ("072", 4), ("070", 3),
        ("060", 3), ("096", 2), ("091", 2),
    ]
)  # fmt: skip
PID_HOME = {"079": 0.82, "074": 0.62, "077": 0.70}
MOBILE_PREFIXES = (
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "070", "076", "077",
    "078", "079", "081", "082", "083", "084", "085", "032", "033", "034", "035", "036", "037",
    "038", "039", "056", "058", "059",
)  # fmt: skip
DISABILITIES = (
    "Khuyết tật vận động", "Khuyết tật học tập", "Khuyết tật nghe, nói", "Khuyết tật nhìn",
    "Khuyết tật trí tuệ", "Rối loạn phổ tự kỷ",
)  # fmt: skip
POB_NAME = {"079": "TP. Hồ Chí Minh", "074": "Bình Dương", "077": "Bà Rịa - Vũng Tàu"}

# Subjects a teacher of each band teaches (weights ~ periods a year, GDPT 2018).
TEACHER_SUBJECTS: dict[str, list[tuple[tuple[str, ...], int]]] = {
    "preschool": [((), 1)],
    "primary": [
        (("tieng_viet", "toan", "dao_duc", "tnxh"), 80), (("ngoai_ngu",), 10), (("gdtc",), 7),
        (("am_nhac",), 5), (("mi_thuat",), 5), (("tin_hoc", "cong_nghe"), 6), (("khoa_hoc", "ls_dl"), 5),
    ],
    "lower": [
        (("ngu_van",), 14), (("toan",), 14), (("ngoai_ngu",), 11), (("khtn",), 14), (("ls_dl",), 10),
        (("gdcd",), 4), (("cong_nghe",), 4), (("tin_hoc",), 4), (("gdtc",), 7), (("am_nhac",), 3),
        (("mi_thuat",), 3), (("hdtn",), 5), (("dia_phuong",), 2),
    ],
    "upper": [
        (("ngu_van",), 12), (("toan",), 12), (("ngoai_ngu",), 10), (("lich_su",), 6), (("dia_li",), 6),
        (("vat_li",), 8), (("hoa_hoc",), 8), (("sinh_hoc",), 6), (("tin_hoc",), 5), (("gdtc",), 7),
        (("gdqp",), 3), (("gdkt_pl",), 4), (("cong_nghe",), 4), (("hdtn",), 3),
    ],
}  # fmt: skip
# Per class of each band: (subject, periods per week) with a named teacher.
CLASS_SUBJECTS: dict[str, tuple[tuple[str, str], ...]] = {
    "preschool": (),
    "primary": (("tieng_viet", "7.0"), ("toan", "5.0"), ("ngoai_ngu", "4.0"), ("gdtc", "2.0")),
    "lower": (("ngu_van", "4.0"), ("toan", "4.0"), ("ngoai_ngu", "3.0"), ("khtn", "4.0"), ("ls_dl", "3.0")),
    "upper": (
        ("ngu_van", "3.0"), ("toan", "3.0"), ("ngoai_ngu", "3.0"), ("lich_su", "1.5"),
        ("vat_li", "2.0"), ("hoa_hoc", "2.0"),
    ),
}  # fmt: skip
# Subject names as the sector's staff export writes them ("Môn dạy").
SUBJECT_LABEL = {
    "tieng_viet": "Tiếng Việt", "ngu_van": "Ngữ văn", "toan": "Toán", "ngoai_ngu": "Ngoại ngữ 1",
    "gdcd": "GDCD", "dao_duc": "Đạo đức", "tnxh": "Tự nhiên và Xã hội", "khoa_hoc": "Khoa học",
    "ls_dl": "Lịch sử và Địa lí", "lich_su": "Lịch sử", "dia_li": "Địa lí", "khtn": "Khoa học tự nhiên",
    "vat_li": "Vật lí", "hoa_hoc": "Hóa học", "sinh_hoc": "Sinh học", "gdkt_pl": "GD Kinh tế và Pháp luật",
    "cong_nghe": "Công nghệ", "tin_hoc": "Tin học", "gdtc": "GDTC", "nghe_thuat": "Nghệ thuật",
    "am_nhac": "Âm nhạc", "mi_thuat": "Mĩ thuật", "hdtn": "HĐTN-HN", "gdqp": "GDQP-AN",
    "dia_phuong": "Nội dung GD địa phương",
}  # fmt: skip


def perm(n: int, modulus: int, mult: int, add: int) -> int:
    """A bijection on [0, modulus) (mult coprime to modulus): codes look random, never collide."""
    return (n * mult + add) % modulus
