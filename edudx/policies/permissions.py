"""Policies permissions.

view    the policies in force and their versions (everyone but pupils)
manage  publish a new version of a policy (the department's administrators)
"""

from edudx.core.roles import Role, grant

VIEW = "policies.view"
MANAGE = "policies.manage"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
grant(Role.DEPT_ADMIN, MANAGE)
