"""One demo login per role. The password is public on purpose (README, `edudx demo_logins`):
these accounts exist only in demo databases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edudx.accounts import selectors as account_selectors
from edudx.accounts import services as accounts
from edudx.core.actor import Actor
from edudx.core.roles import Role
from edudx.core.rules.people import Position
from edudx.core.scope import Scope

from ..models import Enrolment, School, Staff, Student

DEMO_PASSWORD = "Edudx-demo-2025"  # noqa: S105 - published demo password, demo databases only


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    full_name: str
    target: str  # department | area | cluster | school


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.DEPT_ADMIN, "Quản trị hệ thống Sở GD-ĐT", "department"),
    DemoLogin("chuyenvien", Role.DEPT_OFFICER, "Chuyên viên Phòng Giáo dục phổ thông", "department"),
    DemoLogin("phuong", Role.WARD_OFFICER, "Cán bộ Văn hóa - Xã hội phường", "area"),
    DemoLogin("cumtruong", Role.CLUSTER_LEAD, "Cụm trưởng chuyên môn", "cluster"),
    DemoLogin("hieutruong", Role.SCHOOL_ADMIN, "", "school"),
    DemoLogin("giaovien", Role.TEACHER, "", "school"),
    DemoLogin("hocsinh", Role.STUDENT, "", "school"),
    DemoLogin("khach", Role.VIEWER, "Khách tham quan (chỉ xem)", "department"),
)


def create_logins(actor: Actor, tree: dict[str, Any]) -> dict[str, Any]:
    """Create the demo users; the school roles sit in the first school of the first area and
    are linked to that school's principal, a homeroom teacher and a pupil."""
    school: School = tree["schools"][0]
    principal = Staff.objects.filter(school=school, position=Position.PRINCIPAL).order_by("id").first()
    teacher = (
        Staff.objects.filter(school=school, homeroom_classes__year__is_current=True).order_by("id").first()
    )
    pupil_enrolment = (
        Enrolment.objects.filter(school=school, state=Enrolment.State.ACTIVE, year__is_current=True)
        .select_related("student")
        .order_by("student__name_key", "id")
        .first()
    )
    pupil = pupil_enrolment.student if pupil_enrolment else None
    linked: dict[str, Any] = {Role.SCHOOL_ADMIN: principal, Role.TEACHER: teacher, Role.STUDENT: pupil}
    targets = {
        "department": {"unit": tree["department"]},
        "area": {"unit": tree["areas"][0]},
        "cluster": {"grouping": tree["clusters"][0]},
        "school": {"unit": school.unit},
    }
    users: dict[str, Any] = {}
    for login in DEMO_LOGINS:
        record = linked.get(login.role)
        full_name = login.full_name or (record.full_name if record else login.username)
        user = accounts.user_create(
            actor=actor, username=login.username, full_name=full_name, password=DEMO_PASSWORD
        )
        accounts.membership_grant(actor=actor, user=user, role=login.role, **targets[login.target])
        if record is not None:
            type(record).objects.filter(pk=record.pk).update(user=user)
        users[login.role] = user
    return users


def login_table() -> list[dict[str, str]]:
    """username / password / role / unit of every demo login present in the database."""
    usernames = [login.username for login in DEMO_LOGINS]
    memberships = (
        account_selectors.membership_list(scope=Scope.system())
        .filter(user__username__in=usernames)
        .order_by("user__username")
    )
    by_user: dict[str, list] = {}
    for m in memberships:
        by_user.setdefault(m.user.username, []).append(m)
    rows = []
    for login in DEMO_LOGINS:
        for m in by_user.get(login.username, []):
            rows.append(
                {
                    "username": login.username,
                    "password": DEMO_PASSWORD,
                    "role": str(Role(m.role).label),
                    "unit": str(m.unit or m.grouping),
                    "name": m.user.full_name,
                }
            )
    return rows


def linked_records() -> dict[str, Any]:
    """The registry records tied to the demo users (for tests and the report)."""
    return {
        "student": Student.objects.filter(user__username="hocsinh").first(),
        "teacher": Staff.objects.filter(user__username="giaovien").first(),
        "principal": Staff.objects.filter(user__username="hieutruong").first(),
    }
