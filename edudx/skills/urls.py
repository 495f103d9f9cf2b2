from django.urls import path

from . import views
from .views import catalogue, pupils, training

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("schools/<int:school_id>/", views.school_people, name="school"),
    path("me/", views.my_record, name="my_record"),
    path("assess/", views.my_assessments, name="my_assessments"),
    path("assess/<int:self_assessment_id>/", views.assessment, name="assessment"),
    path("confirm/", views.confirm_list, name="confirm"),
    path("results/", views.results, name="results"),
    path("catalogue/", catalogue.catalogue, name="catalogue"),
    path("catalogue/new/", catalogue.certificate_create, name="certificate_create"),
    path("catalogue/<int:certificate_id>/edit/", catalogue.certificate_edit, name="certificate_edit"),
    path("frameworks/<int:competence_framework_id>/targets/", catalogue.target_set, name="target_set"),
    path("alerts/", catalogue.alerts, name="alerts"),
    path("pupils/", pupils.counts, name="pupils"),
    path("classes/", pupils.my_classes, name="my_classes"),
    path("classes/<int:class_id>/levels/", pupils.class_levels, name="class_levels"),
    path("training/", training.needs, name="training"),
    path("training/schools/<int:school_id>/", training.school_plan, name="training_school"),
    path("training/schools/<int:school_id>/new/", training.training_create, name="training_create"),
]
