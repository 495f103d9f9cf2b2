"""Library permissions per role.

view        published resources and shared collections (every signed-in role)
contribute  create resources and collections for one's school, upload versions, submit
review      review, publish, return and take down resources of the units in scope
            (department: every school; a school administrator: their own school)
lti_admin   register LMS platforms for LTI 1.3
"""

from edudx.core.roles import Role, grant

VIEW = "library.view"
CONTRIBUTE = "library.contribute"
REVIEW = "library.review"
LTI_ADMIN = "library.lti_admin"

for role in Role.values:
    grant(role, VIEW)
for role in (Role.TEACHER, Role.SCHOOL_ADMIN):
    grant(role, CONTRIBUTE)
for role in (Role.DEPT_OFFICER, Role.DEPT_ADMIN, Role.SCHOOL_ADMIN):
    grant(role, REVIEW)
grant(Role.DEPT_ADMIN, LTI_ADMIN)
