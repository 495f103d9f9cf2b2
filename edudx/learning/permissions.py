"""Learning permissions.

view    courses, assignments and progress of the units in scope (everyone but pupils)
author  build courses, quizzes and question banks, assign lessons, grade (teachers, school and
        department staff)
learn   do the lessons assigned to one's class (pupils)
"""

from edudx.core.roles import Role, grant

VIEW = "learning.view"
AUTHOR = "learning.author"
LEARN = "learning.learn"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN, Role.TEACHER):
    grant(role, AUTHOR)
grant(Role.STUDENT, LEARN)
