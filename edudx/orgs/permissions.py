from edudx.core.roles import Role, grant

VIEW = "orgs.view"
MANAGE = "orgs.manage"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
grant(Role.DEPT_ADMIN, MANAGE)
