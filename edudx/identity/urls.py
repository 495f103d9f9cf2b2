from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("problems.csv", views.problems_export, name="problems_export"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:verification_run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:verification_run_id>/progress/", views.run_progress, name="run_progress"),
]
