"""The one deterministic source of the synthetic city, shared by the database loader
(`edudx demo`) and the spreadsheet writer (`edudx generate`).

`plan(size)` lays out the department, areas (wards/communes), clusters and schools — cheap,
a few thousand objects even at city scale. `SchoolGenerator.people(school)` then produces one
school's classes, staff, students and assignments; callers stream school by school so memory
stays bounded. Every school draws from its own RNG seeded with the school code, and the few
city-wide counters (student sequence, personal-ID serials) advance in school order, so the
same size and seed give byte-identical data in every run and through every door.

The tables the builders draw from are in `tables.py`, the layout in `plan.py`; both are
re-exported here, the one name callers import.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from edudx.core.rules import personal_id
from edudx.core.rules.levels import Level
from edudx.core.rules.people import Gender, Position, Qualification, StaffStatus, StudentStatus
from edudx.core.rules.provinces import PID_PROVINCES
from edudx.core.text import fold

from . import names as N
from .plan import (
    AreaSpec,
    AssignmentRow,
    ClassRow,
    ClusterSpec,
    Plan,
    SchoolPeople,
    SchoolSpec,
    StaffRow,
    StudentRow,
    plan,
)
from .tables import (
    BAND_STAGES,
    CITY_NAME,
    CLASS_SIZE,
    CLASS_SUBJECTS,
    DEPARTMENT_CODE,
    DEPARTMENT_NAME,
    DISABILITIES,
    ETHNICITY,
    FAMILY,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    FEMALE_MIDDLE_ADULT,
    LEVEL_LABEL,
    MALE_GIVEN,
    MALE_MIDDLE,
    MALE_MIDDLE_ADULT,
    MOBILE_PREFIXES,
    OTHER_PROVINCES,
    OWNERSHIP_LABEL,
    PID_HOME,
    POB_NAME,
    PRESCHOOL_GROUPS,
    SIZES,
    STAFF_RATIO,
    SUBJECT_LABEL,
    TEACHER_SUBJECTS,
    TERM_NAMES,
    Calendar,
    Picker,
    Size,
    band_of,
    birth_year,
    calendar,
    class_name,
    perm,
    stage_grade,
)


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
            covered: set[str] = set()
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
        current: dict[int, list[ClassRow]] = {}
        previous: dict[int, list[ClassRow]] = {}
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


__all__ = ["AreaSpec", "AssignmentRow", "BAND_STAGES", "CITY_NAME", "CLASS_SIZE", "CLASS_SUBJECTS", "Calendar", "ClassRow", "ClusterSpec", "DEPARTMENT_CODE", "DEPARTMENT_NAME", "DISABILITIES", "ETHNICITY", "FAMILY", "LEVEL_LABEL", "MOBILE_PREFIXES", "OTHER_PROVINCES", "OWNERSHIP_LABEL", "PID_HOME", "POB_NAME", "PRESCHOOL_GROUPS", "Picker", "Plan", "SIZES", "STAFF_RATIO", "SUBJECT_LABEL", "SchoolGenerator", "SchoolPeople", "SchoolSpec", "Size", "StaffRow", "StudentRow", "TEACHER_SUBJECTS", "TERM_NAMES", "band_of", "birth_year", "calendar", "class_name", "perm", "plan", "stage_grade"]  # fmt: skip
