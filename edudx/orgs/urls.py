from django.urls import path

from . import views

urlpatterns = [
    path("", views.unit_tree, name="unit_tree"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("units/<int:unit_id>/rename/", views.unit_rename, name="unit_rename"),
    path("units/<int:unit_id>/move/", views.unit_move, name="unit_move"),
    path("groupings/", views.grouping_list, name="grouping_list"),
    path("groupings/<int:grouping_id>/", views.grouping_detail, name="grouping_detail"),
]
