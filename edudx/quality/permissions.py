"""Quality permissions.

review   see candidate pairs that involve one's records, decide them, merge and unmerge
run      start a search for duplicates over the registry (the department)
manage   the auto-merge threshold, the data-quality rules and the reporting calendar (the department)
scorecard  see the data-quality scorecards of one's schools, wards, clusters or the city
"""

from edudx.core.roles import Role, grant

REVIEW = "quality.review"
RUN = "quality.run"
MANAGE = "quality.manage"
SCORECARD = "quality.scorecard"

for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, REVIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER):
    grant(role, RUN)
grant(Role.DEPT_ADMIN, MANAGE)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER, Role.CLUSTER_LEAD, Role.SCHOOL_ADMIN):
    grant(role, SCORECARD)
