"""Partners permissions.

view            the approved catalogue and a school's apps (everyone but pupils)
request         ask for an app for one's school (school administrators)
approve         approve or refuse a school's request (the department; the ward when the
                sharing policy says so — checked by the service)
manage          companies, apps, reviews, contracts, OAuth clients (the department)
view_usage      usage and the access log of schools in scope (department, ward, school admins)
record_consent  record a parent's answer given on paper or by phone (school administrators)
consent_self    a pupil gives or withdraws their own consent
"""

from edudx.core.roles import Role, grant

VIEW = "partners.view"
REQUEST = "partners.request"
APPROVE = "partners.approve"
MANAGE = "partners.manage"
VIEW_USAGE = "partners.view_usage"
RECORD_CONSENT = "partners.record_consent"
CONSENT_SELF = "partners.consent_self"

for role in Role.values:
    if role != Role.STUDENT:
        grant(role, VIEW)
grant(Role.SCHOOL_ADMIN, REQUEST, RECORD_CONSENT, VIEW_USAGE)
grant(Role.DEPT_ADMIN, APPROVE, MANAGE, VIEW_USAGE, RECORD_CONSENT)
grant(Role.DEPT_OFFICER, APPROVE, MANAGE, VIEW_USAGE)
grant(Role.WARD_OFFICER, APPROVE, VIEW_USAGE)
grant(Role.STUDENT, CONSENT_SELF)
