"""Learning permissions.

view    courses, assignments and progress of the units in scope (everyone but pupils)
author  build courses, quizzes and question banks, assign lessons, grade (teachers, school and
        department staff)
learn   do the lessons assigned to one's class (pupils)
lti     register external LTI 1.3 tools for a unit's courses (department and school admins)
"""

from edudx.core.roles import Role, grant

VIEW = "learning.view"
AUTHOR = "learning.author"
LEARN = "learning.learn"
LTI_MANAGE = "learning.lti_manage"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN, Role.TEACHER):
    grant(role, AUTHOR)
grant(Role.STUDENT, LEARN)
for role in (Role.DEPT_ADMIN, Role.SCHOOL_ADMIN):
    grant(role, LTI_MANAGE)
