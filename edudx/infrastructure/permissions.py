"""Infrastructure permissions.

view              inventories and readiness (everyone but students)
change            rooms, devices, connections, licences of a school
report_condition  mark a device's condition from a phone (any school member who teaches)
manage            thresholds and unit costs (the department)
"""

from edudx.core.roles import Role, grant

VIEW = "infrastructure.view"
CHANGE = "infrastructure.change"
REPORT_CONDITION = "infrastructure.report_condition"
MANAGE = "infrastructure.manage"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, CHANGE, REPORT_CONDITION)
grant(Role.TEACHER, REPORT_CONDITION)
grant(Role.DEPT_ADMIN, MANAGE)
