"""Registry permissions per role.

view          schools and classes (everyone but students)
view_people   lists and records of students and staff
view_pii      full personal IDs and parents' contacts
change        create and change registry records
view_self     a student's own record
manage_years  create school years, choose the current one, close them (city-wide)
"""

from edudx.core.roles import Role, grant

VIEW = "registry.view"
VIEW_PEOPLE = "registry.view_people"
VIEW_PII = "registry.view_pii"
CHANGE = "registry.change"
VIEW_SELF = "registry.view_self"
MANAGE_YEARS = "registry.manage_years"

for role in (
    Role.DEPT_ADMIN,
    Role.DEPT_OFFICER,
    Role.WARD_OFFICER,
    Role.CLUSTER_LEAD,
    Role.SCHOOL_ADMIN,
    Role.TEACHER,
    Role.VIEWER,
):
    grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN, Role.TEACHER):
    grant(role, VIEW_PEOPLE)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, VIEW_PII, CHANGE)
grant(Role.STUDENT, VIEW_SELF)
grant(Role.DEPT_ADMIN, MANAGE_YEARS)
