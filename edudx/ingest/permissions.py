"""Ingest permissions: who may take files in. What a file may change is still decided by the
registry's own permission on every target school (a school admin imports their school only)."""

from edudx.core.roles import Role, grant

RUN = "ingest.run"

for role in (Role.DEPT_ADMIN, Role.DEPT_OFFICER, Role.SCHOOL_ADMIN):
    grant(role, RUN)
