from django.urls import path

from . import views
from . import views_scorecards as cards

urlpatterns = [
    path("", views.queue, name="queue"),
    path("pairs/<int:pair_id>/", views.pair_detail, name="pair"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<int:merge_id>/", views.merge_detail, name="merge"),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("models/", views.models, name="models"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:dedupe_run_id>/progress/", views.run_progress, name="run_progress"),
    path("scorecards/", cards.city, name="scorecards"),
    path("scorecards/wards/<int:unit_id>/", cards.ward, name="scorecard_ward"),
    path("scorecards/clusters/<int:grouping_id>/", cards.cluster, name="scorecard_cluster"),
    path("scorecards/schools/<int:school_id>/", cards.school, name="scorecard_school"),
    path("scorecards/schools/<int:school_id>/records/", cards.records, name="scorecard_records"),
    path("rules/", cards.rules, name="rules"),
    path("calendar/", cards.calendar, name="calendar"),
    path("calendar/<int:deadline_id>/delete/", cards.deadline_delete, name="deadline_delete"),
]
