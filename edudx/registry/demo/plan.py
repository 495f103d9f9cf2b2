"""`plan(size)`: the department, areas (wards/communes), clusters and schools of the synthetic
city — cheap, a few thousand objects even at city scale — and the rows of people the
builders (city.SchoolGenerator) produce per school."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from edudx.core.rules.levels import Level, Ownership

from . import names as N
from .tables import (
    BAND_STAGES,
    CITY_NAME,
    DEPARTMENT_CODE,
    DEPARTMENT_LEVELS,
    LEVEL_TITLE,
    PRESCHOOL_SHARE,
    PRIVATE_SHARE,
    SIZES,
    STAFF_RATIO,
    Calendar,
    Size,
    band_of,
    calendar,
    level_stages,
)
from .wards import AREAS, full_name


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
        level: str
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
