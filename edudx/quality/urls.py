from django.urls import path

from . import views

urlpatterns = [
    path("", views.queue, name="queue"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<int:merge_id>/", views.merge_detail, name="merge"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("models/", views.models, name="models"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:dedupe_run_id>/progress/", views.run_progress, name="run_progress"),
]
