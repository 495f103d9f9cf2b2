"""The one deterministic source of the synthetic city, shared by the database loader
(`edudx demo`) and the spreadsheet writer (`edudx generate`).

`plan(size)` lays out the department, areas (wards/communes), clusters and schools — cheap,
a few thousand objects even at city scale. `SchoolGenerator.people(school)` then produces one
school's classes, staff, students and assignments; callers stream school by school so memory
stays bounded. Every school draws from its own RNG seeded with the school code, and the few
city-wide counters (student sequence, personal-ID serials) advance in school order, so the
same size and seed give byte-identical data in every run and through every door.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field

from edudx.core.rules import personal_id
from edudx.core.rules.levels import Level, Ownership
from edudx.core.rules.people import Gender, Position, Qualification, StaffStatus, StudentStatus
from edudx.core.rules.provinces import PID_PROVINCES
from edudx.core.text import fold

from . import names as N
from .wards import AREAS, full_name

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
    lo, hi = {
        Level.MN: (0, 3), Level.TH: (4, 8), Level.THCS: (9, 12), Level.THPT: (13, 15),
        Level.TH_THCS: (4, 12), Level.THCS_THPT: (9, 15), Level.LIEN_CAP: (4, 15),
    }[level]  # fmt: skip
    return range(lo, hi + 1)


def band_of(stage: int) -> str:
    for band, (lo, hi) in BAND_STAGES.items():
        if lo <= stage <= hi:
            return band
    raise ValueError(stage)


LEVEL_TITLE = {
    Level.MN: "Trường Mầm non", Level.TH: "Trường Tiểu học", Level.THCS: "Trường THCS",
    Level.THPT: "Trường THPT", Level.GDTX: "Trung tâm GDNN-GDTX", Level.TH_THCS: "Trường TH-THCS",
    Level.THCS_THPT: "Trường THCS-THPT", Level.LIEN_CAP: "Trường TH-THCS-THPT",
}  # fmt: skip
LEVEL_LABEL = {
    Level.MN: "Mầm non", Level.TH: "Tiểu học", Level.THCS: "THCS", Level.THPT: "THPT", Level.GDTX: "GDTX",
    Level.TH_THCS: "TH-THCS", Level.THCS_THPT: "THCS-THPT", Level.LIEN_CAP: "Liên cấp",
}  # fmt: skip
OWNERSHIP_LABEL = {
    Ownership.CONG_LAP: "Công lập", Ownership.TU_THUC: "Tư thục",
    Ownership.DAN_LAP: "Dân lập", Ownership.NUOC_NGOAI: "Có vốn đầu tư nước ngoài",
}  # fmt: skip
PRIVATE_SHARE = {
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
TEACHER_SUBJECTS = {
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
CLASS_SUBJECTS = {
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


# ----------------------------------------------------------------------------- plan
@dataclass
class AreaSpec:
    index: int
    code: str
    name: str
    kind: str
    origin: str  # pre-merger province code: drives personal-ID prefixes
    cluster: int  # index into Plan.clusters


@dataclass
class ClusterSpec:
    index: int
    code: str
    name: str


@dataclass
class SchoolSpec:
    index: int
    code: str
    name: str
    level: str
    ownership: str
    area: AreaSpec  # where it stands (address, cluster)
    under_department: bool  # administrative parent: the department, else the area
    address: str
    phone: str
    pupils: dict[int, int]  # stage -> pupils this year
    staff: int

    @property
    def parent_code(self) -> str:
        return DEPARTMENT_CODE if self.under_department else self.area.code

    @property
    def total_pupils(self) -> int:
        return sum(self.pupils.values())


@dataclass
class Plan:
    size: Size
    seed: int
    areas: list[AreaSpec]
    clusters: list[ClusterSpec]
    schools: list[SchoolSpec]
    calendar: Calendar

    @property
    def total_pupils(self) -> int:
        return sum(s.total_pupils for s in self.schools)


def area_code(index: int, kind: str) -> str:
    letter = {"ward": "P", "commune": "X", "special_zone": "DK"}[kind]
    return f"79{letter}{index + 1:03d}"


def plan(size: str | Size = "small", seed: int = 2025, today: dt.date | None = None) -> Plan:
    sz = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(f"{seed}:plan:{sz.name}")
    areas = [
        AreaSpec(i, area_code(i, kind), full_name(name, kind), kind, origin, i * sz.clusters // sz.areas)
        for i, (name, kind, origin) in enumerate(AREAS[: sz.areas])
    ]
    clusters = [ClusterSpec(i, f"CUM{i + 1:02d}", f"Cụm chuyên môn số {i + 1}") for i in range(sz.clusters)]

    # Levels interleaved so that every area gets a mix (the first area of the small demo
    # holds a preschool, a primary and a lower-secondary school at least).
    remaining = dict(sz.schools)
    order: list[str] = []
    while any(remaining.values()):
        for level in (Level.THCS, Level.TH, Level.MN, Level.THPT, Level.MN, Level.TH_THCS, Level.GDTX,
                      Level.THCS_THPT, Level.LIEN_CAP):  # fmt: skip
            if remaining.get(level, 0) > 0:
                order.append(level)
                remaining[level] -= 1
    # Pupils per band, split among the schools teaching it in proportion to a random size.
    weights = [rng.uniform(0.55, 1.45) for _ in order]
    pupils: list[dict[int, int]] = [{} for _ in order]
    for band, total in sz.pupils.items():
        lo, hi = BAND_STAGES[band]
        idx = [i for i, lv in enumerate(order) if lo in level_stages(lv) or hi in level_stages(lv)]
        w = [weights[i] * (0.5 if order[i] in (Level.TH_THCS, Level.THCS_THPT, Level.LIEN_CAP) else 1.0)
             for i in idx]  # fmt: skip
        sw = sum(w)
        for i, wi in zip(idx, w, strict=True):
            n_band = total * wi / sw
            stages = [s for s in level_stages(order[i]) if lo <= s <= hi]
            shares = [PRESCHOOL_SHARE[s] for s in stages] if band == "preschool" else [1.0] * len(stages)
            ssum = sum(shares)
            for s, sh in zip(stages, shares, strict=True):
                pupils[i][s] = max(8, round(n_band * sh / ssum * rng.uniform(0.9, 1.1)))

    used_names: dict[tuple[str, str], int] = {}
    per_area: dict[int, int] = {}
    schools = []
    for i, level in enumerate(order):
        area = areas[i % len(areas)]
        per_area[area.index] = per_area.get(area.index, 0) + 1
        code = f"79{area.index + 1:03d}{per_area[area.index]:03d}"
        private = rng.random() < PRIVATE_SHARE[level]
        ownership = Ownership.TU_THUC if private else Ownership.CONG_LAP
        if level == Level.GDTX:
            base = area.name.split(" ", 1)[1]
        elif level == Level.MN:
            base = rng.choice(N.PRESCHOOL_NAMES)
        elif private:
            base = rng.choice(N.PRIVATE_NAMES)
        else:
            base = rng.choice(N.FIGURES)
        key = (level, base)
        used_names[key] = used_names.get(key, 0) + 1
        name = f"{LEVEL_TITLE[level]} {base}" + (f" {used_names[key]}" if used_names[key] > 1 else "")
        street = rng.choice(N.FIGURES)
        address = f"{rng.randint(1, 450)} Đường {street}, {area.name}, {CITY_NAME}"
        phone = f"028{rng.randint(10_000_000, 99_999_999)}"
        n_staff = 0.0
        for s, n in pupils[i].items():
            n_staff += n / STAFF_RATIO[band_of(s)]
        schools.append(
            SchoolSpec(
                index=i,
                code=code,
                name=name,
                level=level,
                ownership=ownership,
                area=area,
                under_department=level in DEPARTMENT_LEVELS,
                address=address,
                phone=phone,
                pupils=dict(sorted(pupils[i].items())),
                staff=max(5, round(n_staff)),
            )
        )
    return Plan(sz, seed, areas, clusters, schools, calendar(today))


# ----------------------------------------------------------------------------- people
@dataclass(slots=True)
class ClassRow:
    key: int  # index within the school's class list
    year: str
    stage: int
    name: str
    homeroom: int | None = None  # staff index within the school


@dataclass(slots=True)
class StaffRow:
    key: int
    code: str
    full_name: str
    dob: dt.date
    gender: str
    pid: str | None
    ethnicity: str
    position: str
    subjects: tuple[str, ...]
    qualification: str
    phone: str
    email: str
    status: str
    band: str = ""  # the band a teacher teaches in (not exported)


@dataclass(slots=True)
class StudentRow:
    key: int
    code: str
    full_name: str
    dob: dt.date
    gender: str
    pid: str | None
    ethnicity: str
    status: str
    status_date: dt.date | None
    disability: str
    father: str
    mother: str
    phone: str
    address: str
    place_of_birth: str
    cls: int  # class key this year
    start: dt.date
    state: str  # enrolment state this year: active, transferred, withdrawn
    end: dt.date | None
    prev_cls: int | None  # class key last year, if the pupil was at this school


@dataclass(slots=True)
class AssignmentRow:
    cls: int
    staff: int
    subject: str
    periods: str


@dataclass
class SchoolPeople:
    school: SchoolSpec
    classes: list[ClassRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    students: list[StudentRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)


class SchoolGenerator:
    """Generates schools' people in plan order; keeps the city-wide counters."""

    def __init__(self, the_plan: Plan):
        self.plan = the_plan
        self.student_seq = 0
        self.staff_seq = 0
        self.pid_counters: dict[str, int] = {}
        self._next_index = 0

    # --- small pieces
    def _pid(self, rng: random.Random, origin: str, sex: str, year: int, home: float) -> str:
        r = rng.random()
        if r < home:
            province = origin
        elif r < home + (1 - home) * 0.3:
            province = "079" if origin != "079" else ("074" if r < home + (1 - home) * 0.18 else "077")
        else:
            province = OTHER_PROVINCES(rng)
        head = personal_id.make(province, sex, year, 0)[:6]
        n = self.pid_counters.get(head, 0)
        self.pid_counters[head] = n + 1
        return head + f"{perm(n, 1_000_000, 611_953, (int(head) * 7_907 + 104_729) % 1_000_000):06d}"

    @staticmethod
    def _phone(rng: random.Random) -> str:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"

    @staticmethod
    def _adult_name(rng: random.Random, sex: str, family: str | None = None) -> str:
        fam = family or FAMILY(rng)
        if sex == Gender.MALE:
            return f"{fam} {MALE_MIDDLE_ADULT(rng)} {MALE_GIVEN(rng)}"
        return f"{fam} {FEMALE_MIDDLE_ADULT(rng)} {FEMALE_GIVEN(rng)}"

    @staticmethod
    def _family(rng: random.Random, ethnicity: str) -> str:
        special = N.ETHNIC_FAMILY_NAMES.get(ethnicity)
        return rng.choice(special) if special and rng.random() < 0.7 else FAMILY(rng)

    # --- one school
    def people(self, school: SchoolSpec) -> SchoolPeople:
        if school.index != self._next_index:
            raise ValueError("schools must be generated in plan order (city-wide counters)")
        self._next_index += 1
        rng = random.Random(f"{self.plan.seed}:{school.code}")
        out = SchoolPeople(school)
        self._staff(rng, school, out)
        self._classes(rng, school, out)
        self._students(rng, school, out)
        return out

    def _staff(self, rng: random.Random, school: SchoolSpec, out: SchoolPeople) -> None:
        bands = sorted({band_of(s) for s in school.pupils}, key=list(BAND_STAGES).index)
        band_weight = dict.fromkeys(bands, 0.0)
        for s, n in school.pupils.items():
            band_weight[band_of(s)] += n / STAFF_RATIO[band_of(s)]
        band_pick = Picker(band_weight.items())
        total = school.staff
        female_share = {"preschool": 0.98, "primary": 0.82, "lower": 0.7, "upper": 0.6}
        vp = 1 if school.total_pupils < 900 else (2 if school.total_pupils < 2200 else 3)
        roles = [Position.PRINCIPAL] + [Position.VICE_PRINCIPAL] * vp
        if school.level != Level.MN:
            roles += [Position.IT, Position.LIBRARIAN]
        roles += [Position.STAFF] * max(1, round(total * 0.08))
        # Cover every subject a class needs before drawing the rest by weight.
        must: list[tuple[str, tuple[str, ...]]] = []
        for b in bands:
            covered = set()
            for subj, _p in CLASS_SUBJECTS[b]:
                if subj in covered:
                    continue
                pack = next(p for p, _w in TEACHER_SUBJECTS[b] if subj in p)
                covered.update(pack)
                must.append((b, pack))
        roles += [Position.TEACHER] * max(2, len(must), total - len(roles))
        pickers = {b: Picker(TEACHER_SUBJECTS[b]) for b in bands}
        teacher_no = 0
        for key, position in enumerate(roles):
            if position == Position.TEACHER:
                if teacher_no < len(must):
                    band, subjects = must[teacher_no]
                else:
                    band = band_pick(rng)
                    subjects = pickers[band](rng)
                teacher_no += 1
            else:
                band = bands[-1]
                subjects = ()
            sex = Gender.FEMALE if rng.random() < female_share[band] else Gender.MALE
            senior = position in (Position.PRINCIPAL, Position.VICE_PRINCIPAL)
            # ages 41–58 for principals and vice-principals, 24–59 for the rest, on the year's opening
            opening = self.plan.calendar.start_year
            year = opening - (rng.randint(41, 58) if senior else rng.randint(24, 59))
            dob = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            ethnicity = ETHNICITY(rng)
            full = self._adult_name(rng, sex, self._family(rng, ethnicity))
            if band == "preschool" and not senior:
                qual = Picker([(Qualification.CAO_DANG, 30), (Qualification.DAI_HOC, 65),
                               (Qualification.TRUNG_CAP, 5)])(rng)  # fmt: skip
            elif senior:
                qual = Qualification.THAC_SI if rng.random() < 0.5 else Qualification.DAI_HOC
            elif position == Position.STAFF:
                qual = Picker([(Qualification.TRUNG_CAP, 40), (Qualification.CAO_DANG, 30),
                               (Qualification.DAI_HOC, 30)])(rng)  # fmt: skip
            else:
                master = 0.25 if band == "upper" else 0.12
                r = rng.random()
                qual = (
                    Qualification.THAC_SI
                    if r < master
                    else (Qualification.CAO_DANG if r > 0.95 else Qualification.DAI_HOC)
                )
            self.staff_seq += 1
            code = f"79{perm(self.staff_seq, 10_000_000, 7_919_111, 3_141_593):07d}"
            parts = fold(full).split(" ")
            email = f"{parts[-1]}{''.join(p[0] for p in parts[:-1])}.{code[-5:]}@hcm.edu.vn"
            out.staff.append(
                StaffRow(
                    key=key,
                    code=code,
                    full_name=full,
                    dob=dob,
                    gender=sex,
                    pid=self._pid(rng, school.area.origin, sex, year, 0.6),
                    ethnicity=ethnicity,
                    position=position,
                    subjects=tuple(subjects),
                    qualification=qual,
                    phone=self._phone(rng),
                    email=email,
                    status=StaffStatus.LEAVE if rng.random() < 0.02 else StaffStatus.WORKING,
                    band=band if position == Position.TEACHER else "",
                )
            )

    def _classes(self, rng: random.Random, school: SchoolSpec, out: SchoolPeople) -> None:
        teachers_by_band: dict[str, list[StaffRow]] = {}
        by_subject: dict[tuple[str, str], list[StaffRow]] = {}
        for st in out.staff:
            if st.position == Position.TEACHER:
                teachers_by_band.setdefault(st.band, []).append(st)
                for subj in st.subjects:
                    by_subject.setdefault((st.band, subj), []).append(st)
        all_teachers = [st for st in out.staff if st.position == Position.TEACHER]
        turn: dict[str, int] = {}
        stages = list(school.pupils)
        for stage in stages:
            band = band_of(stage)
            n_classes = max(1, math.ceil(school.pupils[stage] / CLASS_SIZE[band] - 0.25))
            for i in range(n_classes):
                cls = ClassRow(len(out.classes), self.plan.calendar.current, stage, class_name(stage, i))
                pool = teachers_by_band.get(band) or all_teachers
                if band == "primary":  # primary classes are led by a class teacher
                    pool = [t for t in pool if "tieng_viet" in t.subjects] or pool
                cls.homeroom = pool[len(out.classes) % len(pool)].key
                out.classes.append(cls)
                for subj, periods in CLASS_SUBJECTS[band]:
                    candidates = by_subject.get((band, subj))
                    if not candidates:
                        continue
                    if subj in ("tieng_viet", "toan") and band == "primary":
                        # the primary class teacher teaches Vietnamese and Maths
                        hr = out.staff[cls.homeroom]
                        if subj in hr.subjects:
                            out.assignments.append(AssignmentRow(cls.key, hr.key, subj, periods))
                            continue
                    t = turn.get(subj, 0)
                    turn[subj] = t + 1  # round-robin among the school's teachers of the subject
                    out.assignments.append(
                        AssignmentRow(cls.key, candidates[t % len(candidates)].key, subj, periods)
                    )
        # Last year's classes for every stage that has a following stage here.
        current = {s: [c for c in out.classes if c.stage == s] for s in stages}
        for stage in stages:
            if stage + 1 in current:
                for i in range(len(current[stage + 1])):
                    out.classes.append(
                        ClassRow(len(out.classes), self.plan.calendar.previous, stage, class_name(stage, i))
                    )

    def _students(self, rng: random.Random, school: SchoolSpec, out: SchoolPeople) -> None:
        cal = self.plan.calendar
        current = {}
        previous = {}
        for c in out.classes:
            (current if c.year == cal.current else previous).setdefault(c.stage, []).append(c)
        area = school.area
        streets = [rng.choice(N.FIGURES) for _ in range(12)]
        start_year = cal.start_year
        for stage, n in school.pupils.items():
            classes = current[stage]
            for k in range(n):
                cls = classes[k % len(classes)]
                ethnicity = ETHNICITY(rng)
                sex = Gender.MALE if rng.random() < 0.515 else Gender.FEMALE
                r = rng.random()
                status, status_date, state, start, end = (
                    StudentStatus.DANG_HOC,
                    None,
                    "active",
                    cal.current_start,
                    None,
                )
                repeater = False
                if r < 0.032 and not cal.has_begun:
                    pass  # the year has not opened: nobody has moved yet
                elif r < 0.02:
                    status = StudentStatus.CHUYEN_DEN
                    status_date = cal.in_year(rng.randint(10, 170))
                    start = status_date
                elif r < 0.028:
                    status = StudentStatus.CHUYEN_DI
                    status_date = cal.in_year(rng.randint(20, 190))
                    state, end = "transferred", status_date
                elif r < 0.032 and stage >= 9:
                    status = StudentStatus.THOI_HOC
                    status_date = cal.in_year(rng.randint(20, 190))
                    state, end = "withdrawn", status_date
                elif r < 0.042 and stage >= 5:
                    status = StudentStatus.LUU_BAN
                    status_date = cal.previous_end
                    repeater = True
                by = birth_year(stage, start_year) - (1 if repeater or rng.random() < 0.01 else 0)
                if school.level == Level.GDTX and rng.random() < 0.3:
                    by -= rng.randint(1, 3)  # continuing education takes older learners
                dob = dt.date(by, 1, 1) + dt.timedelta(days=rng.randrange(365))
                family = self._family(rng, ethnicity)
                if sex == Gender.MALE:
                    middle = MALE_MIDDLE(rng)
                    given = MALE_GIVEN(rng)
                else:
                    middle = FEMALE_MIDDLE(rng)
                    given = FEMALE_GIVEN(rng)
                if given == middle:  # "Phúc Phúc": draw the given name again
                    given = (MALE_GIVEN if sex == Gender.MALE else FEMALE_GIVEN)(rng)
                mother_family = FAMILY(rng)
                if rng.random() < 0.18 and mother_family != family:
                    middle = f"{mother_family} {middle}"
                full = f"{family} {middle} {given}"
                father = self._adult_name(rng, Gender.MALE, family) if rng.random() > 0.03 else ""
                mother = self._adult_name(rng, Gender.FEMALE, mother_family)
                home = 0.35 if status == StudentStatus.CHUYEN_DEN else PID_HOME[area.origin]
                pid = self._pid(rng, area.origin, sex, by, home) if rng.random() > 0.004 else None
                pob = POB_NAME.get(pid[:3], PID_PROVINCES.get(pid[:3], "")) if pid else CITY_NAME
                self.student_seq += 1
                code = f"79{perm(self.student_seq, 100_000_000, 48_271, 10_000_019):08d}"
                address = (
                    f"{rng.randint(1, 300)}/{rng.randint(1, 40)} Đường {streets[rng.randrange(12)]}, "
                    f"{area.name}, {CITY_NAME}"
                )
                prev = None
                if status != StudentStatus.CHUYEN_DEN:
                    prev_stage = stage if repeater else stage - 1
                    prev_classes = previous.get(prev_stage)
                    if prev_classes:
                        prev = prev_classes[k % len(prev_classes)].key
                out.students.append(
                    StudentRow(
                        key=len(out.students),
                        code=code,
                        full_name=full,
                        dob=dob,
                        gender=sex,
                        pid=pid,
                        ethnicity=ethnicity,
                        status=status,
                        status_date=status_date,
                        disability=rng.choice(DISABILITIES) if rng.random() < 0.006 else "",
                        father=father,
                        mother=mother,
                        phone=self._phone(rng),
                        address=address,
                        place_of_birth=pob,
                        cls=cls.key,
                        start=start,
                        state=state,
                        end=end,
                        prev_cls=prev,
                    )
                )

    def all(self):
        """Every school's people, in plan order (a generator: one school in memory at a time)."""
        for school in self.plan.schools:
            yield self.people(school)
