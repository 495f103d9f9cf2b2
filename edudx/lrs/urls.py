from django.urls import path

from . import views
from .models import DocumentKind
from .xapi import documents, oauth, statements
from .xapi.http import xapi_endpoint

DOC_METHODS = ("GET", "PUT", "POST", "DELETE")

urlpatterns = [
    # xAPI (authenticated by LRS credentials, never by the browser session)
    path("xapi/about", documents.about, name="xapi_about"),
    path(
        "xapi/statements",
        xapi_endpoint(statements.statements, methods=("GET", "PUT", "POST")),
        name="xapi_statements",
    ),
    path(
        "xapi/activities/state",
        xapi_endpoint(documents.document(DocumentKind.STATE), methods=DOC_METHODS),
        name="xapi_state",
    ),
    path(
        "xapi/activities/profile",
        xapi_endpoint(documents.document(DocumentKind.ACTIVITY_PROFILE), methods=DOC_METHODS),
        name="xapi_activity_profile",
    ),
    path("xapi/activities", xapi_endpoint(documents.activities, methods=("GET",)), name="xapi_activities"),
    path(
        "xapi/agents/profile",
        xapi_endpoint(documents.document(DocumentKind.AGENT_PROFILE), methods=DOC_METHODS),
        name="xapi_agent_profile",
    ),
    path("xapi/agents", xapi_endpoint(documents.agents, methods=("GET",)), name="xapi_agents"),
    path("oauth/token", oauth.token, name="oauth_token"),
    # Officer screens
    path("credentials/", views.credential_list, name="credential_list"),
    path("credentials/new/", views.credential_create, name="credential_create"),
    path("credentials/<int:credential_id>/", views.credential_detail, name="credential_detail"),
    path("credentials/<int:credential_id>/rotate/", views.credential_rotate, name="credential_rotate"),
    path("credentials/<int:credential_id>/revoke/", views.credential_revoke, name="credential_revoke"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
