"""Monitoring permissions per role.

view                see campaigns, dashboards and assessments in scope (cluster leads: their cluster)
assess              fill in and submit the self-assessment of one's school
review              review, return, approve, record external evaluation, publish (supervising unit)
manage_campaigns    create and open campaigns
manage_frameworks   clone and correct frameworks
extend_deadline     extend a self-assessment deadline: a campaign's (department) or a school's (its ward)
assess_authority    fill in and submit the self-assessment of one's own authority (3806: the ward's
                    officers for the ward, the department's for the department — held on that very unit)
"""

from edudx.core.roles import Role, grant

VIEW = "monitoring.view"
ASSESS = "monitoring.assess"
REVIEW = "monitoring.review"
MANAGE_CAMPAIGNS = "monitoring.manage_campaigns"
MANAGE_FRAMEWORKS = "monitoring.manage_frameworks"
EXTEND_DEADLINE = "monitoring.extend_deadline"
ASSESS_AUTHORITY = "monitoring.assess_authority"

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
grant(Role.SCHOOL_ADMIN, ASSESS)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.WARD_OFFICER):
    grant(role, REVIEW, EXTEND_DEADLINE, ASSESS_AUTHORITY)
grant(Role.DEPT_ADMIN, MANAGE_CAMPAIGNS, MANAGE_FRAMEWORKS)
grant(Role.DEPT_OFFICER, MANAGE_CAMPAIGNS)
