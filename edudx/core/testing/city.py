"""A deterministic miniature city for tests: one department, two wards, a cluster that
spans both, two schools per ward, a class and students in each school, and one user per
role. The route × role matrix test and app tests build on it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from edudx.core.actor import Actor
from edudx.core.rules import personal_id
from edudx.core.scope import Scope

PASSWORD = "Edudx-test-2025!"


@dataclass
class MiniCity:
    dept: Any
    wards: list[Any]
    cluster: Any
    schools: list[Any]  # [A1, A2 (ward A), B1, B2 (ward B)]
    year: Any
    classes: list[Any]
    students: list[Any]
    staff: list[Any]
    users: dict[str, Any] = field(default_factory=dict)  # role -> user

    def scope_of(self, role: str) -> Scope:
        from edudx.accounts.services import scope_for_user

        return scope_for_user(self.users[role])

    def actor_of(self, role: str) -> Actor:
        return Actor(user=self.users[role], scope=self.scope_of(role))


def build_city() -> MiniCity:
    from edudx.accounts import services as accounts
    from edudx.core.roles import Role
    from edudx.orgs import services as orgs
    from edudx.registry import services as registry
    from edudx.registry.schemas import StaffFields, StudentFields

    a = Actor.system(source="test")
    dept = orgs.unit_create(actor=a, code="SGD", name="Sở GD-ĐT Thử nghiệm", kind="department", parent=None)
    wards = [
        orgs.unit_create(actor=a, code="PA", name="Phường An Khánh", kind="ward", parent=dept),
        orgs.unit_create(actor=a, code="PB", name="Phường Bến Thành", kind="ward", parent=dept),
    ]
    year = registry.school_year_create(
        actor=a,
        code="2025-2026",
        start_date=dt.date(2025, 9, 5),
        end_date=dt.date(2026, 5, 31),
        is_current=True,
    )
    schools, classes, students, staff = [], [], [], []
    serial = 0
    for w, ward in enumerate(wards):
        for k in range(2):
            code = f"7900{w}{k}01"
            school = registry.school_register(
                actor=a,
                parent=ward,
                moet_code=code,
                name=f"Trường THCS Thử {ward.code}{k + 1}",
                data={"level": "THCS", "ownership": "cong_lap", "address": f"{k + 1} Đường Số {w + 1}"},
            )
            schools.append(school)
            cls = registry.class_create(actor=a, school=school, year=year, grade=6, name="6A1")
            classes.append(cls)
            teacher = registry.staff_create(
                actor=a,
                school=school,
                data=StaffFields(
                    full_name=f"Lê Thị Giáo {ward.code}{'ab'[k]}",
                    gender="female",
                    date_of_birth=dt.date(1985, 1, 1),
                    moet_code=f"GV{code}",
                    position="giao_vien",
                    subjects=["toan"],
                ),
            )
            staff.append(teacher)
            for i in range(3):
                serial += 1
                sex = "male" if i % 2 == 0 else "female"
                st = registry.student_create(
                    actor=a,
                    school=school,
                    data=StudentFields(
                        full_name=["Nguyễn Văn An", "Trần Thị Bình", "Phạm Minh Châu"][i]
                        + f" {ward.code}{'ab'[k]}",  # names may not hold digits
                        gender=sex,
                        date_of_birth=dt.date(2014, 3, 1 + i),
                        personal_id=personal_id.make("079", sex, 2014, serial),
                        moet_code=f"79{serial:08d}",
                        parent_phone="0901234567",
                    ),
                )
                registry.enrolment_enrol(
                    actor=a, student=st, school_class=cls, start_date=dt.date(2025, 9, 5)
                )
                students.append(st)
    cluster = orgs.grouping_create(actor=a, code="CUM1", name="Cụm 1", kind="cluster", owner=dept)
    # The cluster spans one school of each ward.
    orgs.grouping_set_members(actor=a, grouping=cluster, units=[schools[0].unit, schools[2].unit])

    city = MiniCity(dept, wards, cluster, schools, year, classes, students, staff)
    targets: dict[str, dict[str, Any]] = {
        Role.DEPT_ADMIN: {"unit": dept},
        Role.DEPT_OFFICER: {"unit": dept},
        Role.WARD_OFFICER: {"unit": wards[0]},
        Role.CLUSTER_LEAD: {"grouping": cluster},
        Role.SCHOOL_ADMIN: {"unit": schools[0].unit},
        Role.TEACHER: {"unit": schools[0].unit},
        Role.STUDENT: {"unit": schools[0].unit},
        Role.VIEWER: {"unit": wards[0]},
    }
    for role, target in targets.items():
        user = accounts.user_create(
            actor=a, username=f"t_{role}", full_name=f"Test {role}", password=PASSWORD
        )
        accounts.membership_grant(actor=a, user=user, role=role, **target)
        city.users[role] = user
    # The student user is the first student of school A1.
    from edudx.registry.models import Student

    Student.objects.filter(pk=students[0].pk).update(user=city.users[Role.STUDENT])
    return city
