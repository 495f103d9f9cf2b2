from edudx.core.roles import GRANTABLE, grant

MANAGE_ROLES = "accounts.manage_roles"

for role in GRANTABLE:
    grant(role, MANAGE_ROLES)
