"""LTI 1.3 platform routes, included under /learning/lti/ by learning/urls.py (names lti_*)."""

from django.urls import path

from . import views

urlpatterns = [
    path("tools/", views.tools, name="lti_tools"),
    path("tools/new/", views.tool_create, name="lti_tool_create"),
    path("tools/<int:tool_id>/", views.tool_detail, name="lti_tool"),
    path("tools/<int:tool_id>/do/<str:action>/", views.tool_action, name="lti_tool_action"),
    path("jwks/", views.jwks, name="lti_jwks"),
    path("launch/<int:block_id>/", views.launch, name="lti_launch"),
    path("lessons/<int:lesson_id>/tools/<int:tool_id>/deep-link/", views.deep_link, name="lti_deep_link"),
    path("auth/", views.auth, name="lti_auth"),
    path("deep-link/return/", views.deep_link_return, name="lti_deep_link_return"),
    path("token/", views.token, name="lti_token"),
    path("ags/<int:course_id>/lineitems/", views.line_items, name="lti_line_items"),
    path("ags/<int:course_id>/lineitems/<int:line_item_id>", views.line_item, name="lti_line_item"),
    path("ags/<int:course_id>/lineitems/<int:line_item_id>/scores", views.scores, name="lti_scores"),
    path("ags/<int:course_id>/lineitems/<int:line_item_id>/results", views.results, name="lti_results"),
    path("nrps/<int:course_id>/memberships/", views.memberships, name="lti_memberships"),
]
