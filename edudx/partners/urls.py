from django.urls import include, path
from oauth2_provider.views import JwksInfoView, TokenView, UserInfoView

from . import views, views_inspection, views_oidc, views_parent
from .oneroster import bulk, feed

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("requests/", views.requests, name="requests"),
    path("usage/", views.usage, name="usage"),
    path("usage/export.csv", views_inspection.usage_export, name="usage_export"),
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
    path("pupils/<int:student_id>/parent-link/", views_parent.make_link, name="parent_link"),
    # The parent's own page, opened from the link the school sent (no account; phone digits).
    path("consent/<str:link_token>/", views_parent.parent_consent, name="parent_consent"),
    path("consent/<str:link_token>/answer/", views_parent.parent_answer, name="parent_answer"),
    # OAuth 2.0 token endpoint (client credentials), django-oauth-toolkit's own view.
    path("oauth/token/", TokenView.as_view(), name="oauth_token"),
    # Authorization code + PKCE with OpenID Connect (apps acting for a signed-in user).
    path("oauth/authorize/", views_oidc.Authorize.as_view(), name="oauth_authorize"),
    path("oauth/userinfo/", UserInfoView.as_view(), name="oidc_userinfo"),
    path("oauth/.well-known/jwks.json", JwksInfoView.as_view(), name="oidc_jwks"),
    path("oauth/.well-known/openid-configuration", views_oidc.discovery, name="oidc_discovery"),
    path("ims/oneroster/rostering/v1p2/", include("edudx.partners.oneroster.urls")),
    # The change feed (what changed since version N), for the same OAuth clients.
    path("feed/v1/<str:resource>", feed.feed, name="feed"),
    # OneRoster 1.2 CSV, bulk and delta (a zip streamed).
    path("oneroster/csv/v1p2/bulk.zip", bulk.export, {"mode": "bulk"}, name="csv_bulk"),
    path("oneroster/csv/v1p2/delta.zip", bulk.export, {"mode": "delta"}, name="csv_delta"),
]
