from django.urls import path

from . import lti, oai, views

urlpatterns = [
    path("", views.resource_list, name="resource_list"),
    # The menu points here: "/library/" is a prefix of every library page, so the layout would
    # mark the search entry active everywhere in the module.
    path("search/", views.resource_list, name="resource_search"),
    path("suggest/", views.suggest, name="suggest"),
    path("most-used/", views.most_used, name="most_used"),
    path("mine/", views.my_resources, name="my_resources"),
    path("review/", views.review_queue, name="review_queue"),
    path("new/", views.resource_create, name="resource_create"),
    path("<int:resource_id>/", views.resource_detail, name="resource_detail"),
    path("<int:resource_id>/edit/", views.resource_edit, name="resource_edit"),
    path("<int:resource_id>/go/", views.resource_go, name="resource_go"),
    path("<int:resource_id>/versions/new/", views.version_add, name="version_add"),
    path("<int:resource_id>/do/<str:action>/", views.resource_action, name="resource_action"),
    path("<int:resource_id>/rate/", views.resource_rate, name="resource_rate"),
    path("<int:resource_id>/comment/", views.resource_comment, name="resource_comment"),
    path("<int:resource_id>/v/<int:version_id>/file/", views.version_download, name="version_download"),
    path("<int:resource_id>/v/<int:version_id>/preview/", views.version_preview, name="version_preview"),
    path("<int:resource_id>/v/<int:version_id>/thumb/", views.version_thumbnail, name="version_thumbnail"),
    path("collections/", views.collection_list, name="collection_list"),
    path("collections/new/", views.collection_create, name="collection_create"),
    path("collections/<int:collection_id>/", views.collection_detail, name="collection_detail"),
    path("collections/<int:collection_id>/edit/", views.collection_edit, name="collection_edit"),
    path("collections/<int:collection_id>/items/", views.collection_items, name="collection_items"),
    path(
        "collections/<int:collection_id>/cartridge/", views.collection_cartridge, name="collection_cartridge"
    ),
    path("oai/", oai.endpoint, name="oai"),
    path("lti/login/", lti.login, name="lti_login"),
    path("lti/launch/", lti.launch, name="lti_launch"),
    path("lti/jwks/", lti.jwks, name="lti_jwks"),
    path("lti/pick/", lti.pick, name="lti_pick"),
    path("lti/file/", lti.file, name="lti_file"),
]
