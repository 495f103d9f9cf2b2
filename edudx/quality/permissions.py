"""Quality permissions.

review   see candidate pairs that involve one's records, decide them, merge and unmerge
run      start a search for duplicates over the registry (the department)
manage   the auto-merge threshold (the department)
"""

from edudx.core.roles import Role, grant

REVIEW = "quality.review"
RUN = "quality.run"
MANAGE = "quality.manage"

for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, REVIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER):
    grant(role, RUN)
grant(Role.DEPT_ADMIN, MANAGE)
