from django.urls import include, path
from oauth2_provider.views import TokenView

from . import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("requests/", views.requests, name="requests"),
    path("usage/", views.usage, name="usage"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:company_id>/apps/new/", views.app_create, name="app_create"),
    path("apps/<int:app_id>/", views.app_detail, name="app"),
    path("apps/<int:app_id>/edit/", views.app_edit, name="app_edit"),
    path("apps/<int:app_id>/review/", views.app_review, name="app_review"),
    path("apps/<int:app_id>/move/<str:move>/", views.app_move, name="app_move"),
    path("apps/<int:app_id>/contracts/new/", views.contract_add, name="contract_add"),
    path("apps/<int:app_id>/request/", views.use_request, name="use_request"),
    path("apps/<int:app_id>/clients/new/", views.client_create, name="client_create"),
    path("requests/<int:use_id>/decide/", views.use_decide, name="use_decide"),
    path("clients/<int:client_id>/rotate/", views.client_rotate, name="client_rotate"),
    path("clients/<int:client_id>/revoke/", views.client_revoke, name="client_revoke"),
    path("pupils/<int:student_id>/", views.subject, name="subject"),
    path("pupils/<int:student_id>/consent/", views.consent, name="consent"),
    # OAuth 2.0 token endpoint (client credentials), django-oauth-toolkit's own view.
    path("oauth/token/", TokenView.as_view(), name="oauth_token"),
    path("ims/oneroster/rostering/v1p2/", include("edudx.partners.oneroster.urls")),
]
