"""Identity permissions per role.

view     verification statuses and counts (the roles that see people's records)
verify   run a verification against the population registry
"""

from edudx.core.roles import Role, grant

VIEW = "identity.view"
VERIFY = "identity.verify"

for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN, Role.TEACHER):
    grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, VERIFY)
