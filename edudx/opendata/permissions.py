"""Who may publish open data: the department (a publication speaks for the whole city)."""

from edudx.core.roles import Role, grant

PUBLISH = "opendata.publish"

grant(Role.DEPT_ADMIN, PUBLISH)
grant(Role.DEPT_OFFICER, PUBLISH)
