"""Results permissions.

view    score books, pupils' results, outcomes analytics and pupils at risk (every role but
        pupils, within their scope)
import  a school's results file (the school's administrator; the department for any school)
note    follow-up notes on a pupil at risk (teachers and school administrators)
"""

from edudx.core.roles import Role, grant

VIEW = "results.view"
IMPORT = "results.import"
NOTE = "results.note"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, IMPORT)
for role in (Role.SCHOOL_ADMIN, Role.TEACHER):
    grant(role, NOTE)
