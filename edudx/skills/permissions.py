"""Skills permissions.

view             coverage, heatmaps, frameworks and certificates of the units in scope (staff)
view_people      the people behind the figures (masked, scoped): certificates and self-assessments
assess           fill in one's own self-assessment (a teacher or any staff member with a login)
confirm          confirm or return the self-assessments of one's school (the principal)
manage_certs     record, verify, expire and revoke people's certificates; review unmatched results
manage_training  record staff's completed trainings; see a school's training plan (who needs what)
assess_pupils    enter and see pupils' competence levels of one's own school (teachers, the
                 principal); beyond the school only counts are shown (view)
import_results   import test centres' result lists and issuers' lists (the department)
manage           edit frameworks, the certificate catalogue, targets and campaigns (the department)
"""

from edudx.core.roles import Role, grant

VIEW = "skills.view"
VIEW_PEOPLE = "skills.view_people"
ASSESS = "skills.assess"
CONFIRM = "skills.confirm"
MANAGE_CERTS = "skills.manage_certs"
IMPORT_RESULTS = "skills.import_results"
MANAGE = "skills.manage"
MANAGE_TRAINING = "skills.manage_training"
ASSESS_PUPILS = "skills.assess_pupils"

for role in (
    Role.DEPT_ADMIN,
    Role.DEPT_OFFICER,
    Role.WARD_OFFICER,
    Role.CLUSTER_LEAD,
    Role.SCHOOL_ADMIN,
    Role.VIEWER,
):
    grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, VIEW_PEOPLE, MANAGE_CERTS)
grant(Role.TEACHER, ASSESS, ASSESS_PUPILS)
grant(Role.SCHOOL_ADMIN, ASSESS, CONFIRM, ASSESS_PUPILS)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, MANAGE_TRAINING)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER):
    grant(role, IMPORT_RESULTS, MANAGE)
