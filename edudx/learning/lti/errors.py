"""The coded refusals of the LTI platform side (Vietnamese messages; never a 500)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from edudx.core.errors import DomainError


class LtiError(DomainError):
    status = 400
    code = "lti_bad_request"
    default_message = _("The LTI request is incomplete or malformed.")
    # The OAuth 2.0 error word the token endpoint answers with (RFC 6749 §5.2).
    oauth = "invalid_request"


class ToolInactive(LtiError):
    status = 403
    code = "lti_tool_inactive"
    default_message = _("This external tool is not active.")
    oauth = "invalid_client"


class BadToken(LtiError):
    status = 401
    code = "lti_bad_token"
    default_message = _("The signed message of the tool could not be verified.")
    oauth = "invalid_client"


class Replayed(LtiError):
    status = 401
    code = "lti_replayed"
    default_message = _("This message has already been used.")
    oauth = "invalid_grant"


class BadRedirect(LtiError):
    code = "lti_bad_redirect"
    default_message = _("The return address is not registered for this tool.")


class HintMismatch(LtiError):
    status = 403
    code = "lti_hint_mismatch"
    default_message = _("This launch was started by another user or has expired; open it again.")


class NoAccess(LtiError):
    status = 401
    code = "lti_no_access"
    default_message = _("A valid access token is required.")


class BadScope(LtiError):
    status = 403
    code = "lti_scope"
    default_message = _("The access token does not allow this service.")
    oauth = "invalid_scope"


class NotMember(LtiError):
    status = 422
    code = "lti_not_member"
    default_message = _("This user is not a member of the course.")
