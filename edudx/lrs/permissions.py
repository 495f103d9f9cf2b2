"""LRS permissions per role.

manage_credentials  issue, rotate and revoke xAPI keys for units in scope
view_analytics      the learning-records dashboard for units in scope
"""

from edudx.core.roles import Role, grant

MANAGE_CREDENTIALS = "lrs.manage_credentials"
VIEW_ANALYTICS = "lrs.view_analytics"

for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, MANAGE_CREDENTIALS)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN, Role.VIEWER):
    grant(role, VIEW_ANALYTICS)
